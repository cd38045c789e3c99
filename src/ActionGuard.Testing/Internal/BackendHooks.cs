using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Policy;
using ActionGuard.Server.Tokens;

namespace ActionGuard.Testing.Internal;

// The approval service's extension points, answered by the backend attached to it (none answer before it attaches).
internal sealed class BackendHooks : IApprovalObserver, IPolicyOverride, IDecisionTokenHook
{
    private InMemoryApprovalBackend? _backend;

    public void Attach(InMemoryApprovalBackend backend)
    {
        if (Interlocked.CompareExchange(ref _backend, backend, null) is not null)
        {
            throw new InvalidOperationException("Another in-memory backend is attached to this approval service already.");
        }
    }

    public void Requested(string agentId, string idempotencyKey, CreateCommand command, ApprovalRecord? record, bool created) =>
        _backend?.OnRequested(agentId, idempotencyKey, command, record, created);

    public void Created(ApprovalRecord record) => _backend?.OnCreated(record);

    public void Changed(ApprovalStatus from, ApprovalRecord record) => _backend?.OnChanged(from, record);

    public void Claimed(ApprovalRecord record, IssuedToken token) => _backend?.OnClaimed(record, token);

    public PolicyDecision? Evaluate(ApprovalRecord pending) => _backend?.PolicyFor(pending);

    public void Apply(ApprovalRecord record, DecisionTokenContent content) => _backend?.RunTokenHooks(content);
}
