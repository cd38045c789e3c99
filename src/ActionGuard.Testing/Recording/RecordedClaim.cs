namespace ActionGuard.Testing;

/// <summary>A successful claim: the approval moved to <c>executing</c> and a decision token was issued.</summary>
public sealed class RecordedClaim
{
    /// <summary>Gets the claimed approval's id.</summary>
    public required string ApprovalId { get; init; }

    /// <summary>Gets the agent that claimed it.</summary>
    public required string AgentId { get; init; }

    /// <summary>Gets the decision token issued.</summary>
    public required string DecisionToken { get; init; }

    /// <summary>Gets the claims the token was signed with, after every <see cref="InMemoryApprovalBackend.OnIssuingToken"/> hook ran.</summary>
    public required DecisionTokenClaims Claims { get; init; }

    /// <summary>Gets when the claim was made, on the backend's clock.</summary>
    public DateTimeOffset At { get; init; }
}
