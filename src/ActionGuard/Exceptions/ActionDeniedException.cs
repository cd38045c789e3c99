namespace ActionGuard;

/// <summary>An approver, or a policy on the backend, denied the action.</summary>
public sealed class ActionDeniedException : ActionGuardException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="deniedBy">Who denied; <c>policy:&lt;rule&gt;</c> subjects for automatic denials.</param>
    /// <param name="reason">The reason given.</param>
    public ActionDeniedException(string message, ApprovalParty? deniedBy, string? reason)
        : base(message)
    {
        DeniedBy = deniedBy;
        Reason = reason;
    }

    /// <summary>Gets who denied the action, when the backend said.</summary>
    public ApprovalParty? DeniedBy { get; }

    /// <summary>Gets the reason given with the denial.</summary>
    public string? Reason { get; }

    /// <summary>Gets whether a policy rule (not a person) denied the action.</summary>
    public bool IsPolicyDecision => DeniedBy?.IsPolicyRule == true;
}
