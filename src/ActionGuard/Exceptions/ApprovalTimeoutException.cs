namespace ActionGuard;

/// <summary>No decision came in time: the local wait ran out, or the backend expired the approval.</summary>
public sealed class ApprovalTimeoutException : ActionGuardException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="expiredOnBackend">Whether the backend reported the approval as expired.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ApprovalTimeoutException(string message, bool expiredOnBackend, Exception? innerException = null)
        : base(message, innerException)
    {
        ExpiredOnBackend = expiredOnBackend;
    }

    /// <summary>
    /// Gets whether the backend expired the approval (its TTL or claim window passed), as opposed to the SDK's own wait
    /// running out, in which case the SDK withdrew the request.
    /// </summary>
    public bool ExpiredOnBackend { get; }
}
