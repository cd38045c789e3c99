namespace ActionGuard.Tokens;

/// <summary>What a decision token must say to authorize the action about to run.</summary>
/// <param name="ApprovalId">The approval the token must be for (<c>sub</c>).</param>
/// <param name="ActionHash">The action hash recomputed for the action about to run (<c>ag_hash</c>).</param>
/// <param name="RequestDigest">The digest of the create request this agent sent (<c>ag_request</c>, see <see cref="Hashing.RequestDigest"/>).</param>
/// <param name="Kind">The action kind (<c>ag_kind</c>).</param>
/// <param name="Name">The action name (<c>ag_name</c>).</param>
/// <param name="AgentId">This agent (<c>aud</c>), which may not approve its own request.</param>
/// <param name="Initiator">The initiator, who may not approve their own request.</param>
/// <param name="ListApprovers">
/// Whether <see cref="VerifiedDecision.Approvers"/> is filled. Every approver is checked either way; the list is only
/// for the caller's log, so a caller that will not log it saves the objects.
/// </param>
internal readonly record struct DecisionExpectation(
    string ApprovalId,
    string ActionHash,
    string RequestDigest,
    string Kind,
    string Name,
    string AgentId,
    ApprovalParty? Initiator,
    bool ListApprovers = true);
