using ActionGuard.Server.Approvals;

namespace ActionGuard.Server.Tokens;

/// <summary>
/// Changes a decision token's claims before it is signed. The server registers none; the in-memory test backend
/// registers one so tests can hand the SDK's verifier broken tokens.
/// </summary>
internal interface IDecisionTokenHook
{
    void Apply(ApprovalRecord record, DecisionTokenContent content);
}
