using ActionGuard.Client;

namespace ActionGuard.Testing.Internal;

// The agent's view of the in-memory backend: every endpoint of the protocol, scoped to one agent.
internal sealed class InMemoryApprovalClient : ApprovalClient
{
    private readonly InMemoryApprovalBackend _backend;
    private readonly string _agentId;

    public InMemoryApprovalClient(InMemoryApprovalBackend backend, string agentId)
    {
        _backend = backend;
        _agentId = agentId;
    }

    public override Task<Approval> CreateApprovalAsync(CreateApprovalRequest request, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(request);
        Guard.NotNull(idempotencyKey);
        return _backend.CreateAsync(_agentId, request, idempotencyKey, cancellationToken);
    }

    public override Task<Approval> GetApprovalAsync(string approvalId, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(approvalId);
        return _backend.GetAsync(_agentId, approvalId, wait, cancellationToken);
    }

    public override IAsyncEnumerable<Approval> WatchApprovalAsync(string approvalId, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(approvalId);
        return _backend.WatchAsync(_agentId, approvalId, cancellationToken);
    }

    public override Task<ClaimResult> ClaimAsync(string approvalId, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(approvalId);
        return _backend.ClaimAsync(_agentId, approvalId, cancellationToken);
    }

    public override Task ReportOutcomeAsync(string approvalId, ApprovalOutcome outcome, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(approvalId);
        Guard.NotNull(outcome);
        return _backend.ReportOutcomeAsync(_agentId, approvalId, outcome, cancellationToken);
    }

    public override Task<IReadOnlyList<OutcomeReportResult>> ReportOutcomesAsync(IReadOnlyList<OutcomeReport> outcomes, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(outcomes);
        return _backend.ReportOutcomesAsync(_agentId, outcomes, cancellationToken);
    }

    internal override bool ReportsOutcomesInline => true;

    public override Task CancelAsync(string approvalId, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(approvalId);
        return _backend.CancelAsync(_agentId, approvalId, cancellationToken);
    }

    public override Task<string> GetSigningKeysAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<string>(cancellationToken);
        }

        try
        {
            return Task.FromResult(_backend.GetSigningKeysForAgent());
        }
        catch (ActionGuardException ex)
        {
            return Task.FromException<string>(ex);
        }
    }

    public override string ToString() => $"InMemoryApprovalClient({_agentId} @ {_backend.Issuer})";
}
