using ActionGuard.Client;

namespace ActionGuard.TestSupport;

/// <summary>
/// The agent's side of the wire to a backend: once <see cref="Sever"/> is called every call fails as a lost connection
/// would, so the agent can neither wait nor withdraw, as when its process dies or its network goes away.
/// </summary>
internal sealed class SeverableApprovalClient(ApprovalClient inner) : ApprovalClient
{
    private volatile bool _severed;

    public void Sever() => _severed = true;

    public override Task<Approval> CreateApprovalAsync(CreateApprovalRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
        Alive() ?? inner.CreateApprovalAsync(request, idempotencyKey, cancellationToken);

    public override Task<Approval> GetApprovalAsync(string approvalId, TimeSpan? wait = null, CancellationToken cancellationToken = default) =>
        Alive() ?? inner.GetApprovalAsync(approvalId, wait, cancellationToken);

    public override Task<ClaimResult> ClaimAsync(string approvalId, CancellationToken cancellationToken = default) =>
        Alive<ClaimResult>() ?? inner.ClaimAsync(approvalId, cancellationToken);

    public override Task ReportOutcomeAsync(string approvalId, ApprovalOutcome outcome, CancellationToken cancellationToken = default) =>
        (Task?)Alive<bool>() ?? inner.ReportOutcomeAsync(approvalId, outcome, cancellationToken);

    public override Task<IReadOnlyList<OutcomeReportResult>> ReportOutcomesAsync(IReadOnlyList<OutcomeReport> outcomes, CancellationToken cancellationToken = default) =>
        Alive<IReadOnlyList<OutcomeReportResult>>() ?? inner.ReportOutcomesAsync(outcomes, cancellationToken);

    public override Task CancelAsync(string approvalId, CancellationToken cancellationToken = default) =>
        (Task?)Alive<bool>() ?? inner.CancelAsync(approvalId, cancellationToken);

    public override Task<string> GetSigningKeysAsync(CancellationToken cancellationToken = default) =>
        Alive<string>() ?? inner.GetSigningKeysAsync(cancellationToken);

    private Task<Approval>? Alive() => Alive<Approval>();

    private Task<T>? Alive<T>() =>
        _severed ? Task.FromException<T>(new ApprovalBackendUnavailableException("The connection to the backend is gone.", null)) : null;
}
