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
        return Run(() => _backend.Create(_agentId, request, idempotencyKey), cancellationToken);
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
        return Run(() => _backend.Claim(_agentId, approvalId), cancellationToken);
    }

    public override Task ReportOutcomeAsync(string approvalId, ApprovalOutcome outcome, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(approvalId);
        Guard.NotNull(outcome);
        return Run(() => _backend.ReportOutcome(_agentId, approvalId, outcome), cancellationToken);
    }

    public override Task CancelAsync(string approvalId, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(approvalId);
        return Run(() => _backend.Cancel(_agentId, approvalId), cancellationToken);
    }

    public override Task<string> GetSigningKeysAsync(CancellationToken cancellationToken = default) =>
        Run(_backend.GetSigningKeysForAgent, cancellationToken);

    public override string ToString() => $"InMemoryApprovalClient({_agentId} @ {_backend.Issuer})";

    // Errors surface through the task, as they would from an HTTP call.
    private static Task<T> Run<T>(Func<T> call, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        try
        {
            return Task.FromResult(call());
        }
        catch (ActionGuardException ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    private static Task Run(Action call, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        try
        {
            call();
            return Task.CompletedTask;
        }
        catch (ActionGuardException ex)
        {
            return Task.FromException(ex);
        }
    }
}
