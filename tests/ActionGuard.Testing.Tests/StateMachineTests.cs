using ActionGuard.Client;
using ActionGuard.Testing.Tests.TestSupport;

namespace ActionGuard.Testing.Tests;

public sealed class StateMachineTests
{
    private readonly FakeTimeProvider _time = new();

    private InMemoryApprovalBackend NewBackend() => new(new InMemoryApprovalBackendOptions { TimeProvider = _time });

    [Fact]
    public async Task Create_returns_a_pending_approval_with_default_policy_and_ttl()
    {
        using var backend = NewBackend();
        var request = TestRequests.Export(TestRequests.Carol);

        var approval = await backend.CreateClient("agent-7").CreateApprovalAsync(request, "key-1");

        Assert.StartsWith("apr_", approval.Id, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Pending, approval.Status);
        Assert.Equal("agent-7", approval.AgentId);
        Assert.Equivalent(request.Action, approval.Action, strict: true);
        Assert.Equal(request.ActionHash, approval.ActionHash);
        Assert.Equal("carol", approval.Initiator!.Subject);
        Assert.Equal(1204, approval.DataClasses!["email"]);
        Assert.Equal("monthly report", approval.Justification);
        Assert.Equal(_time.GetUtcNow(), approval.CreatedAt);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(15), approval.ExpiresAt);
        Assert.Equal(1, approval.Policy!.MinApprovals);
        Assert.Equal("default", approval.Policy.Rule);
        Assert.Empty(approval.Decisions);
        Assert.Equal(new Uri("https://actionguard.test/approvals/" + approval.Id), approval.ReviewUrl);
    }

    [Fact]
    public async Task Full_happy_path_moves_through_approved_executing_succeeded()
    {
        using var backend = NewBackend();
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();

        await backend.ApproveAsync(approval.Id, "alice", "looks fine");
        var approved = await client.GetApprovalAsync(approval.Id);
        await client.ClaimAsync(approval.Id);
        var executing = await client.GetApprovalAsync(approval.Id);
        await client.ReportOutcomeAsync(approval.Id, new ApprovalOutcome { Status = OutcomeStatus.Succeeded });
        var succeeded = await client.GetApprovalAsync(approval.Id);

        Assert.Equal(ApprovalStatus.Approved, approved.Status);
        var decision = Assert.Single(approved.Decisions);
        Assert.Equal("alice", decision.Approver.Subject);
        Assert.Equal(ApprovalVerdict.Approve, decision.Verdict);
        Assert.Equal("looks fine", decision.Reason);
        Assert.Equal(ApprovalStatus.Executing, executing.Status);
        Assert.Equal(ApprovalStatus.Succeeded, succeeded.Status);
        Assert.Equal(
            [(ApprovalStatus.Pending, ApprovalStatus.Approved), (ApprovalStatus.Approved, ApprovalStatus.Executing), (ApprovalStatus.Executing, ApprovalStatus.Succeeded)],
            backend.Transitions.Select(t => (t.From, t.To)));
        Assert.Equal(OutcomeStatus.Succeeded, backend.Outcomes[approval.Id].Status);
    }

    [Fact]
    public async Task Failed_outcome_moves_executing_to_failed_and_keeps_the_error()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();
        await client.ClaimAsync(approval.Id);

        await client.ReportOutcomeAsync(approval.Id, new ApprovalOutcome { Status = OutcomeStatus.Failed, Error = "timeout" });

        Assert.Equal(ApprovalStatus.Failed, backend.GetApproval(approval.Id).Status);
        Assert.Equal("timeout", backend.Outcomes[approval.Id].Error);
    }

    [Fact]
    public async Task Reporting_the_same_outcome_again_is_idempotent_but_another_outcome_is_refused()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();
        await client.ClaimAsync(approval.Id);
        await client.ReportOutcomeAsync(approval.Id, new ApprovalOutcome { Status = OutcomeStatus.Succeeded });

        await client.ReportOutcomeAsync(approval.Id, new ApprovalOutcome { Status = OutcomeStatus.Succeeded });
        await TestRequests.Rejected(() => client.ReportOutcomeAsync(approval.Id, new ApprovalOutcome { Status = OutcomeStatus.Failed }), 409, "not-executing");

        Assert.Equal(ApprovalStatus.Succeeded, backend.GetApproval(approval.Id).Status);
        Assert.Single(backend.Transitions, t => t.To == ApprovalStatus.Succeeded);
    }

    [Fact]
    public async Task Outcome_before_claim_is_refused()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();

        await TestRequests.Rejected(() => client.ReportOutcomeAsync(approval.Id, new ApprovalOutcome { Status = OutcomeStatus.Succeeded }), 409, "not-executing");

        Assert.Equal(ApprovalStatus.Approved, backend.GetApproval(approval.Id).Status);
        Assert.Empty(backend.Outcomes);
    }

    [Fact]
    public async Task Outcome_with_undefined_status_is_refused_before_it_is_sent_as_the_http_client_refuses_it()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();
        await client.ClaimAsync(approval.Id);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.ReportOutcomeAsync(approval.Id, new ApprovalOutcome { Status = (OutcomeStatus)42 }));

        Assert.Equal("outcome", ex.ParamName);
        Assert.Equal(ApprovalStatus.Executing, backend.GetApproval(approval.Id).Status);
    }

    [Fact]
    public async Task Deny_moves_pending_to_denied_with_the_reason()
    {
        using var backend = NewBackend();
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();

        await backend.DenyAsync(approval.Id, "bob", "not on Fridays");

        var denied = await client.GetApprovalAsync(approval.Id);
        Assert.Equal(ApprovalStatus.Denied, denied.Status);
        var decision = Assert.Single(denied.Decisions);
        Assert.Equal(ApprovalVerdict.Deny, decision.Verdict);
        Assert.Equal("not on Fridays", decision.Reason);
        Assert.Equal("bob", decision.Approver.Subject);
    }

    [Fact]
    public async Task Deny_without_a_reason_is_refused_and_changes_nothing()
    {
        using var backend = NewBackend();
        var approval = await backend.CreateClient("agent-7").CreateAsync();

        var ex = await TestRequests.Rejected(() => backend.DenyAsync(approval.Id, "bob", " "), 400, "validation");

        Assert.Contains("reason", ex.Errors.Keys);
        Assert.Equal(ApprovalStatus.Pending, backend.GetApproval(approval.Id).Status);
        Assert.Empty(backend.GetApproval(approval.Id).Decisions);
    }

    [Fact]
    public async Task One_denial_denies_even_after_partial_approval()
    {
        using var backend = NewBackend();
        backend.When(_ => true).RequiringApprovals(2);
        var approval = await backend.CreateClient("agent-7").CreateAsync();

        await backend.ApproveAsync(approval.Id, "alice");
        await backend.DenyAsync(approval.Id, "bob", "too broad");

        Assert.Equal(ApprovalStatus.Denied, backend.GetApproval(approval.Id).Status);
        Assert.Equal(2, backend.GetApproval(approval.Id).Decisions.Count);
    }

    [Fact]
    public async Task Decisions_after_the_approval_left_pending_are_refused()
    {
        using var backend = NewBackend();
        var approval = await backend.CreateClient("agent-7").CreateAsync();
        await backend.DenyAsync(approval.Id, "bob", "no");

        await TestRequests.Rejected(() => backend.ApproveAsync(approval.Id, "alice"), 409, "not-pending");
        await TestRequests.Rejected(() => backend.DenyAsync(approval.Id, "dave", "also no"), 409, "not-pending");

        Assert.Equal(ApprovalStatus.Denied, backend.GetApproval(approval.Id).Status);
        Assert.Single(backend.GetApproval(approval.Id).Decisions);
    }

    [Fact]
    public async Task Owning_agent_cancels_a_pending_request_and_a_repeated_cancel_is_harmless()
    {
        using var backend = NewBackend();
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();

        await client.CancelAsync(approval.Id);
        await client.CancelAsync(approval.Id);

        Assert.Equal(ApprovalStatus.Cancelled, backend.GetApproval(approval.Id).Status);
        Assert.Single(backend.Transitions);
        await TestRequests.Rejected(() => backend.ApproveAsync(approval.Id, "alice"), 409, "not-pending");
    }

    [Fact]
    public async Task Cancel_after_approval_is_refused()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();

        await TestRequests.Rejected(() => client.CancelAsync(approval.Id), 409, "not-pending");

        Assert.Equal(ApprovalStatus.Approved, backend.GetApproval(approval.Id).Status);
    }

    [Fact]
    public async Task Claim_of_a_pending_or_denied_approval_is_refused()
    {
        using var backend = NewBackend();
        var client = backend.CreateClient("agent-7");
        var pending = await client.CreateAsync();
        var denied = await client.CreateAsync();
        await backend.DenyAsync(denied.Id, "bob", "no");

        await TestRequests.Rejected(() => client.ClaimAsync(pending.Id), 409, "not-approved");
        await TestRequests.Rejected(() => client.ClaimAsync(denied.Id), 409, "not-approved");

        Assert.Equal(0, backend.ClaimCount);
    }

    [Fact]
    public async Task Second_claim_is_refused_and_issues_no_token()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();
        await client.ClaimAsync(approval.Id);

        var ex = await TestRequests.Rejected(() => client.ClaimAsync(approval.Id), 409, "already-claimed");
        await client.ReportOutcomeAsync(approval.Id, new ApprovalOutcome { Status = OutcomeStatus.Succeeded });
        await TestRequests.Rejected(() => client.ClaimAsync(approval.Id), 409, "already-claimed");

        Assert.Equal(approval.Id, ex.ApprovalId);
        Assert.Equal(1, backend.ClaimCount);
    }

    [Fact]
    public async Task Status_never_moves_backwards()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();
        await client.ClaimAsync(approval.Id);

        await TestRequests.Rejected(() => Task.Run(() => backend.Expire(approval.Id)), 409, "not-expirable");
        await TestRequests.Rejected(() => client.CancelAsync(approval.Id), 409, "not-pending");
        await TestRequests.Rejected(() => backend.ApproveAsync(approval.Id, "bob"), 409, "not-pending");
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(ApprovalStatus.Executing, backend.GetApproval(approval.Id).Status);
        Assert.Equal([ApprovalStatus.Approved, ApprovalStatus.Executing], backend.Transitions.Select(t => t.To));
    }

    [Fact]
    public async Task Manual_expire_ends_a_pending_request()
    {
        using var backend = NewBackend();
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();

        backend.Expire(approval.Id);

        Assert.Equal(ApprovalStatus.Expired, (await client.GetApprovalAsync(approval.Id)).Status);
        await TestRequests.Rejected(() => backend.ApproveAsync(approval.Id, "alice"), 409, "not-pending");
    }

    [Theory]
    [InlineData("Data Export", "export", "sha256:00", "action.kind")]
    [InlineData(ActionKind.DataExport, " ", "sha256:00", "action.name")]
    [InlineData(ActionKind.DataExport, "export", "", "actionHash")]
    public async Task Malformed_create_is_a_validation_error(string kind, string name, string hash, string field)
    {
        using var backend = NewBackend();
        var request = new CreateApprovalRequest { Action = new ApprovalAction { Kind = kind, Name = name }, ActionHash = hash };

        var ex = await TestRequests.Rejected(() => backend.CreateClient("agent-7").CreateApprovalAsync(request, "key"), 400, "validation");

        Assert.Contains(field, ex.Errors.Keys);
        Assert.Empty(backend.Approvals);
    }

    [Fact]
    public async Task Create_without_an_idempotency_key_is_a_validation_error()
    {
        using var backend = NewBackend();

        var ex = await TestRequests.Rejected(() => backend.CreateClient("agent-7").CreateApprovalAsync(TestRequests.Export(), ""), 400, "validation");

        Assert.Contains("Idempotency-Key", ex.Errors.Keys);
    }

    [Fact]
    public async Task Unknown_approval_is_not_found()
    {
        using var backend = NewBackend();
        var client = backend.CreateClient("agent-7");

        await TestRequests.Rejected(() => client.GetApprovalAsync("apr_missing"), 404, "approval-not-found");
        await TestRequests.Rejected(() => client.ClaimAsync("apr_missing"), 404, "approval-not-found");
        await TestRequests.Rejected(() => backend.ApproveAsync("apr_missing", "alice"), 404, "approval-not-found");
    }

    [Fact]
    public async Task Calls_honour_a_cancelled_token()
    {
        using var backend = NewBackend();
        var client = backend.CreateClient("agent-7");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CreateApprovalAsync(TestRequests.Export(), "key", cts.Token));

        Assert.Empty(backend.Approvals);
    }

    [Fact]
    public async Task Disposed_backend_answers_agents_as_unavailable_and_wakes_long_polls()
    {
        var backend = NewBackend();
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();
        var poll = client.GetApprovalAsync(approval.Id, TimeSpan.FromSeconds(30));

        backend.Dispose();

        await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => poll.WaitAsync(TimeSpan.FromSeconds(10)));
        await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.CreateAsync());
        Assert.Throws<ObjectDisposedException>(() => backend.GetApproval(approval.Id));
    }
}
