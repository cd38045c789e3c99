namespace ActionGuard.Tokens;

/// <summary>A decision token that passed every check.</summary>
/// <param name="ApprovalId">The approval.</param>
/// <param name="TokenId">The token's <c>jti</c>, now spent.</param>
/// <param name="Approvers">The approvers, or empty when <see cref="DecisionExpectation.ListApprovers"/> was not set.</param>
/// <param name="ExpiresAt">When the token expires.</param>
internal readonly record struct VerifiedDecision(string ApprovalId, string TokenId, IReadOnlyList<ApprovalParty> Approvers, DateTimeOffset ExpiresAt);
