namespace ActionGuard.Tokens;

/// <summary>What a decision token must say to authorize the action about to run.</summary>
internal readonly record struct DecisionExpectation(
    string ApprovalId,
    string ActionHash,
    string Kind,
    string Name,
    string AgentId,
    ApprovalParty? Initiator);
