using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Policy;
using ActionGuard.Server.Tokens;

namespace ActionGuard.Testing.Internal;

// The approval service's extension points, answered by the backend that hosts it.
internal sealed class BackendHooks : IApprovalObserver, IPolicyOverride, IDecisionTokenHook
{
    private readonly InMemoryApprovalBackend _backend;

    public BackendHooks(InMemoryApprovalBackend backend)
    {
        _backend = backend;
    }

    public void Created(ApprovalRecord record) => _backend.OnChanged(from: null, record);

    public void Changed(ApprovalStatus from, ApprovalRecord record) => _backend.OnChanged(from, record);

    public void Claimed(ApprovalRecord record, IssuedToken token) => _backend.OnClaimed(record, token);

    public PolicyDecision? Evaluate(ApprovalRecord pending) => _backend.PolicyFor(pending);

    public void Apply(ApprovalRecord record, DecisionTokenContent content) => _backend.RunTokenHooks(content);
}
