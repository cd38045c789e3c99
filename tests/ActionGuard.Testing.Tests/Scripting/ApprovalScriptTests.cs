using System.Net;
using ActionGuard.Client;
using ActionGuard.Testing.Tests.TestSupport;

namespace ActionGuard.Testing.Tests.Scripting;

public sealed class ApprovalScriptTests
{
    private readonly FakeTimeProvider _time = new();

    private InMemoryApprovalBackend NewBackend() => new(new InMemoryApprovalBackendOptions { TimeProvider = _time });

    [Fact]
    public async Task Without_any_script_requests_stay_pending()
    {
        using var backend = NewBackend();

        var approval = await backend.CreateClient("agent-7").CreateAsync();
        _time.Advance(TimeSpan.FromMinutes(14));

        Assert.Equal(ApprovalStatus.Pending, backend.GetApproval(approval.Id).Status);
    }

    [Fact]
    public async Task Default_script_answers_every_request()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        var client = backend.CreateClient("agent-7");

        var first = await client.CreateAsync();
        var second = await client.CreateAsync(TestRequests.Export(kind: ActionKind.InfrastructureMutation));

        Assert.Equal(ApprovalStatus.Approved, first.Status);
        Assert.Equal(ApprovalStatus.Approved, second.Status);
        Assert.Equal("alice@example.com", Assert.Single(first.Decisions).Approver.Subject);
        Assert.Equal(TestIdentities.Issuer, first.Decisions[0].Approver.Issuer);
    }

    [Fact]
    public async Task First_matching_rule_wins_in_registration_order()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        backend.When(a => a.Action.Kind == ActionKind.DataExport).RespondWith(ApprovalScript.Deny(by: "bob", reason: "no exports on Fridays"));
        backend.When(a => a.Action.Name == "export_customers").RespondWith(ApprovalScript.Approve(by: "dave"));
        var client = backend.CreateClient("agent-7");

        var export = await client.CreateAsync(TestRequests.Export(name: "export_customers"));
        var other = await client.CreateAsync(TestRequests.Export(name: "grant_role", kind: ActionKind.PermissionChange));

        Assert.Equal(ApprovalStatus.Denied, export.Status);
        Assert.Equal("no exports on Fridays", Assert.Single(export.Decisions).Reason);
        Assert.Equal("rule-1", export.Policy!.Rule);
        Assert.Equal(ApprovalStatus.Approved, other.Status);
        Assert.Equal("alice", Assert.Single(other.Decisions).Approver.Subject);
        Assert.Equal("default", other.Policy!.Rule);
    }

    [Fact]
    public async Task Matching_rule_without_a_script_keeps_the_request_pending_despite_the_default()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        backend.When(a => a.Initiator?.Subject == "carol").RequiringApprovals(2);

        var approval = await backend.CreateClient("agent-7").CreateAsync(TestRequests.Export(TestRequests.Carol));

        Assert.Equal(ApprovalStatus.Pending, approval.Status);
        Assert.Equal(2, approval.Policy!.MinApprovals);
    }

    [Fact]
    public async Task Rule_sees_the_agent_and_the_request()
    {
        using var backend = NewBackend();
        backend.When(a => a.AgentId == "agent-8" && a.DataClasses!.ContainsKey("email")).RespondWith(ApprovalScript.Expire());

        var mine = await backend.CreateClient("agent-7").CreateAsync();
        var theirs = await backend.CreateClient("agent-8").CreateAsync();

        Assert.Equal(ApprovalStatus.Pending, mine.Status);
        Assert.Equal(ApprovalStatus.Expired, theirs.Status);
    }

    [Fact]
    public async Task Approve_with_several_people_meets_a_threshold()
    {
        using var backend = NewBackend();
        backend.When(_ => true).RequiringApprovals(2).RespondWith(ApprovalScript.Approve("alice", "bob"));

        var approval = await backend.CreateClient("agent-7").CreateAsync();

        Assert.Equal(ApprovalStatus.Approved, approval.Status);
        Assert.Equal(["alice", "bob"], approval.Decisions.Select(d => d.Approver.Subject));
    }

    [Fact]
    public async Task Approve_by_too_few_people_leaves_the_request_pending()
    {
        using var backend = NewBackend();
        backend.When(_ => true).RequiringApprovals(3).RespondWith(ApprovalScript.Approve(TestIdentities.Person("alice"), TestIdentities.Person("alice")));

        var approval = await backend.CreateClient("agent-7").CreateAsync();

        Assert.Equal(ApprovalStatus.Pending, approval.Status);
        Assert.Single(approval.Decisions);
    }

    [Fact]
    public async Task Policy_decisions_are_recorded_as_made_by_the_rule()
    {
        using var backend = NewBackend();
        backend.When(a => a.Action.Kind == ActionKind.DataExport).Named("no-exports").RespondWith(ApprovalScript.DenyByPolicy("exports are off"));
        backend.When(_ => true).Named("auto").RespondWith(ApprovalScript.Approve());
        var client = backend.CreateClient("agent-7");

        var denied = await client.CreateAsync();
        var approved = await client.CreateAsync(TestRequests.Export(kind: ActionKind.PermissionChange));

        Assert.Equal(ApprovalStatus.Denied, denied.Status);
        Assert.Equal("policy:no-exports", Assert.Single(denied.Decisions).Approver.Subject);
        Assert.Equal("exports are off", denied.Decisions[0].Reason);
        Assert.Equal(ApprovalStatus.Approved, approved.Status);
        Assert.Equal("policy:auto", Assert.Single(approved.Decisions).Approver.Subject);
    }

    [Fact]
    public async Task NeverAnswer_stays_pending_until_the_ttl()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.NeverAnswer());
        var approval = await backend.CreateClient("agent-7").CreateAsync();

        _time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        var before = backend.GetApproval(approval.Id).Status;
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(ApprovalStatus.Pending, before);
        Assert.Equal(ApprovalStatus.Expired, backend.GetApproval(approval.Id).Status);
    }

    [Fact]
    public async Task Expire_expires_the_request_at_once()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.Expire());

        var approval = await backend.CreateClient("agent-7").CreateAsync();

        Assert.Equal(ApprovalStatus.Expired, approval.Status);
        Assert.Empty(approval.Decisions);
    }

    [Fact]
    public async Task Fail_makes_every_call_for_the_request_fail_as_unavailable()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.Fail());
        var client = backend.CreateClient("agent-7");
        var request = TestRequests.Export();

        var create = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.CreateApprovalAsync(request, "key-1"));
        var replay = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.CreateApprovalAsync(request, "key-1"));
        var id = Assert.Single(backend.Approvals).Id;
        var get = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.GetApprovalAsync(id));
        var claim = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.ClaimAsync(id));
        var cancel = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.CancelAsync(id));

        Assert.All(new[] { create, replay, get, claim, cancel }, ex => Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode));
        Assert.Equal(id, create.ApprovalId);
    }

    [Fact]
    public async Task Fail_with_a_client_error_status_is_a_rejection()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.Fail(HttpStatusCode.TooManyRequests));

        await TestRequests.Rejected(() => backend.CreateClient("agent-7").CreateAsync(), 429, "scripted-failure");
    }

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.Found)]
    public void Fail_requires_an_error_status(HttpStatusCode status)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ApprovalScript.Fail(status));
    }

    [Fact]
    public async Task AfterDelay_runs_the_inner_script_when_the_delay_passes_on_the_backend_clock()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.AfterDelay(TimeSpan.FromSeconds(10), ApprovalScript.Approve(by: "alice")));
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();

        var poll = client.GetApprovalAsync(approval.Id, TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(9));
        var before = backend.GetApproval(approval.Id).Status;
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(ApprovalStatus.Pending, approval.Status);
        Assert.Equal(ApprovalStatus.Pending, before);
        Assert.Equal(ApprovalStatus.Approved, (await poll.WaitAsync(TimeSpan.FromSeconds(10))).Status);
        Assert.Equal(approval.CreatedAt + TimeSpan.FromSeconds(10), backend.GetApproval(approval.Id).Decisions[0].At);
    }

    [Fact]
    public async Task AfterDelay_can_fail_a_request_while_it_is_waited_on()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.AfterDelay(TimeSpan.FromSeconds(5), ApprovalScript.Fail(HttpStatusCode.BadGateway)));
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();

        var poll = client.GetApprovalAsync(approval.Id, TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(5));

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => poll.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
    }

    [Fact]
    public async Task AfterDelay_does_not_revive_an_expired_request()
    {
        using var backend = new InMemoryApprovalBackend(new InMemoryApprovalBackendOptions { TimeProvider = _time, DefaultTtl = TimeSpan.FromMinutes(1) });
        backend.RespondWith(ApprovalScript.AfterDelay(TimeSpan.FromMinutes(2), ApprovalScript.Approve(by: "alice")));
        var approval = await backend.CreateClient("agent-7").CreateAsync();

        _time.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal(ApprovalStatus.Expired, backend.GetApproval(approval.Id).Status);
        Assert.Empty(backend.GetApproval(approval.Id).Decisions);
    }

    [Fact]
    public async Task Nested_delays_add_up()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.AfterDelay(TimeSpan.FromSeconds(5), ApprovalScript.AfterDelay(TimeSpan.FromSeconds(5), ApprovalScript.Deny("bob", "late"))));
        var approval = await backend.CreateClient("agent-7").CreateAsync();

        _time.Advance(TimeSpan.FromSeconds(9));
        var before = backend.GetApproval(approval.Id).Status;
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(ApprovalStatus.Pending, before);
        Assert.Equal(ApprovalStatus.Denied, backend.GetApproval(approval.Id).Status);
    }

    [Fact]
    public async Task Test_can_wait_for_the_agents_request_and_then_decide()
    {
        using var backend = NewBackend();
        var client = backend.CreateClient("agent-7");
        var agent = Task.Run(async () =>
        {
            var created = await client.CreateAsync();
            Approval current = created;
            while (current.Status == ApprovalStatus.Pending)
            {
                current = await client.GetApprovalAsync(created.Id, TimeSpan.FromSeconds(30));
            }

            return current;
        });

        var request = await backend.WaitForRequestAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await backend.DenyAsync(request.Id, "bob", "not now");

        var seenByAgent = await agent.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(request.Id, seenByAgent.Id);
        Assert.Equal(ApprovalStatus.Denied, seenByAgent.Status);
    }

    [Fact]
    public async Task WaitForRequest_matches_existing_and_future_requests()
    {
        using var backend = NewBackend();
        var client = backend.CreateClient("agent-7");
        var existing = await client.CreateAsync();

        var found = await backend.WaitForRequestAsync(a => a.Id == existing.Id);
        var waiting = backend.WaitForRequestAsync(a => a.Action.Kind == ActionKind.PermissionChange);
        Assert.False(waiting.IsCompleted);
        var later = await client.CreateAsync(TestRequests.Export(kind: ActionKind.PermissionChange));

        Assert.Equal(existing.Id, found.Id);
        Assert.Equal(later.Id, (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).Id);
    }

    [Fact]
    public async Task WaitForRequest_can_be_cancelled()
    {
        using var backend = NewBackend();
        using var cts = new CancellationTokenSource();

        var waiting = backend.WaitForRequestAsync(cancellationToken: cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
