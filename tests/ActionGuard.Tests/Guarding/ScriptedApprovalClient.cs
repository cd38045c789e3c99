using ActionGuard.Client;
using ActionGuard.Tests.Tokens;

namespace ActionGuard.Tests.Guarding;

/// <summary>
/// A backend double for guard tests: answers create/get from a script of statuses, signs real decision tokens for
/// the hash it was sent, and records every call.
/// </summary>
internal sealed class ScriptedApprovalClient : ApprovalClient
{
    private readonly TokenFactory _tokens;
    private readonly TimeProvider _time;
    private readonly Queue<ApprovalStatus> _statuses = new();

    public ScriptedApprovalClient(TokenFactory tokens, TimeProvider time)
    {
        _tokens = tokens;
        _time = time;
    }

    public ApprovalStatus CreateStatus { get; set; } = ApprovalStatus.Pending;

    public List<ApprovalDecision> Decisions { get; } = [];

    public Exception? CreateFault { get; set; }

    public Exception? PollFault { get; set; }

    /// <summary>When the script runs out while pending, polls hang until cancelled.</summary>
    public bool HangWhenScriptEnds { get; set; } = true;

    public Action<Dictionary<string, object>>? TamperToken { get; set; }

    public Action? OnPoll { get; set; }

    public List<(CreateApprovalRequest Request, string Key)> Created { get; } = [];

    public List<TimeSpan?> Polls { get; } = [];

    public List<string> Claims { get; } = [];

    public List<string> Cancels { get; } = [];

    public List<ApprovalOutcome> Outcomes { get; } = [];

    public void ThenStatus(params ApprovalStatus[] statuses)
    {
        foreach (var status in statuses)
        {
            _statuses.Enqueue(status);
        }
    }

    private Approval Snapshot(ApprovalStatus status)
    {
        var request = Created[^1].Request;
        return new Approval
        {
            Id = "apr_1",
            Status = status,
            Action = request.Action,
            AgentId = "agent-1",
            ActionHash = request.ActionHash,
            Decisions = Decisions.ToList(),
            CreatedAt = _time.GetUtcNow(),
        };
    }

    public override Task<Approval> CreateApprovalAsync(CreateApprovalRequest request, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        if (CreateFault is not null)
        {
            throw CreateFault;
        }

        Created.Add((request, idempotencyKey));
        return Task.FromResult(Snapshot(CreateStatus));
    }

    public override async Task<Approval> GetApprovalAsync(string approvalId, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        Polls.Add(wait);
        OnPoll?.Invoke();
        if (PollFault is not null)
        {
            throw PollFault;
        }

        if (_statuses.Count == 0)
        {
            if (HangWhenScriptEnds)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return Snapshot(ApprovalStatus.Pending);
        }

        return Snapshot(_statuses.Dequeue());
    }

    public override Task<ClaimResult> ClaimAsync(string approvalId, CancellationToken cancellationToken = default)
    {
        Claims.Add(approvalId);
        var request = Created[^1].Request;
        var claims = TokenFactory.Claims(_time.GetUtcNow(), approvalId, request.ActionHash, ActionGuard.Hashing.RequestDigest.Compute(request));
        claims["ag_kind"] = request.Action.Kind;
        claims["ag_name"] = request.Action.Name;
        claims.Remove("ag_initiator");
        TamperToken?.Invoke(claims);
        return Task.FromResult(new ClaimResult { DecisionToken = _tokens.Sign(claims) });
    }

    public override Task ReportOutcomeAsync(string approvalId, ApprovalOutcome outcome, CancellationToken cancellationToken = default)
    {
        Outcomes.Add(outcome);
        return Task.CompletedTask;
    }

    public override Task<IReadOnlyList<OutcomeReportResult>> ReportOutcomesAsync(IReadOnlyList<OutcomeReport> outcomes, CancellationToken cancellationToken = default)
    {
        lock (Outcomes)
        {
            Outcomes.AddRange(outcomes.Select(o => new ApprovalOutcome { Status = o.Status, Error = o.Error }));
        }

        return Task.FromResult<IReadOnlyList<OutcomeReportResult>>(
            [.. outcomes.Select(o => new OutcomeReportResult { ApprovalId = o.ApprovalId, Status = o.Status == OutcomeStatus.Succeeded ? ApprovalStatus.Succeeded : ApprovalStatus.Failed })]);
    }

    // These tests read the outcome as the call returns; the background reporter has its own tests.
    internal override bool ReportsOutcomesInline => true;

    public override Task CancelAsync(string approvalId, CancellationToken cancellationToken = default)
    {
        Cancels.Add(approvalId);
        return Task.CompletedTask;
    }

    public override Task<string> GetSigningKeysAsync(CancellationToken cancellationToken = default)
        => Task.FromResult(TokenFactory.Jwks(_tokens.Key));
}
