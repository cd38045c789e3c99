namespace ActionGuard.Tokens;

/// <summary>A decision token that passed every check.</summary>
internal sealed record VerifiedDecision(string ApprovalId, string TokenId, IReadOnlyList<ApprovalParty> Approvers, DateTimeOffset ExpiresAt);
