namespace ActionGuard.Client;

/// <summary>One approver's decision on an approval.</summary>
public sealed class ApprovalDecision
{
    /// <summary>Gets who decided.</summary>
    public required ApprovalParty Approver { get; init; }

    /// <summary>Gets the verdict.</summary>
    public required ApprovalVerdict Verdict { get; init; }

    /// <summary>Gets the reason given (required for denials).</summary>
    public string? Reason { get; init; }

    /// <summary>Gets when the decision was made.</summary>
    public DateTimeOffset At { get; init; }
}
