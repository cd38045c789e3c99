namespace ActionGuard.Client;

/// <summary>The body of <c>POST /v1/approvals/{id}/outcome</c>.</summary>
public sealed class ApprovalOutcome
{
    /// <summary>Gets how the action ended.</summary>
    public required OutcomeStatus Status { get; init; }

    /// <summary>Gets a short, redacted description of the error for a failure.</summary>
    public string? Error { get; init; }
}
