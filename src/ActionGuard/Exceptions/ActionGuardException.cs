namespace ActionGuard;

/// <summary>
/// The base of every exception by which ActionGuard refuses to run a guarded action. Catch it to handle every
/// fail-closed outcome at once; catch a subclass to react to one reason.
/// </summary>
public abstract class ActionGuardException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause, if any.</param>
    protected ActionGuardException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the approval id on the backend, when the request got that far.</summary>
    public string? ApprovalId { get; init; }

    /// <summary>Gets the action kind, when known.</summary>
    public ActionKind? ActionKind { get; init; }

    /// <summary>Gets the action name, when known.</summary>
    public string? ActionName { get; init; }
}
