namespace ActionGuard;

/// <summary>
/// The decision token failed a check, so the approval cannot be trusted for this action and the action did not run.
/// </summary>
public sealed class ApprovalVerificationException : ActionGuardException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="check">The check that failed.</param>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ApprovalVerificationException(VerificationCheck check, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Check = check;
    }

    /// <summary>Gets the check that failed.</summary>
    public VerificationCheck Check { get; }
}
