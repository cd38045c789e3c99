using System.Net;
using ActionGuard.Client;
using ActionGuard.Testing;
using ActionGuard.Tests.TestSupport;

namespace ActionGuard.Tests.EndToEnd;

public sealed class FailClosedTests
{
    [Fact]
    public async Task Create_503_is_retried_with_the_same_idempotency_key()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        server.InjectFault(ProtocolEndpoint.CreateApproval, ServerFault.Status(HttpStatusCode.ServiceUnavailable));
        await using var agent = TestAgent.Create(server);

        Assert.Equal(Exporter.RowsExported, await agent.ExportAsync());

        var creates = server.RequestsTo(ProtocolEndpoint.CreateApproval);
        Assert.Equal(2, creates.Count);
        Assert.Equal(creates[0].IdempotencyKey, creates[1].IdempotencyKey);
        Assert.Equal(creates[0].Body, creates[1].Body);
        Assert.Single(server.Backend.Approvals);
        Assert.Equal(1, agent.Log.Count);
    }

    [Fact]
    public async Task Create_whose_reply_is_lost_after_the_backend_acted_replays_into_the_same_approval()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        server.InjectFault(ProtocolEndpoint.CreateApproval, ServerFault.StatusAfterEndpoint(HttpStatusCode.BadGateway));
        server.InjectFault(ProtocolEndpoint.CreateApproval, ServerFault.DropConnectionAfterEndpoint());
        await using var agent = TestAgent.Create(server);

        Assert.Equal(Exporter.RowsExported, await agent.ExportAsync());

        var creates = server.RequestsTo(ProtocolEndpoint.CreateApproval);
        Assert.Equal(3, creates.Count);
        Assert.Single(creates.Select(c => c.IdempotencyKey).Distinct());
        var approval = Assert.Single(server.Backend.Approvals);
        Assert.Equal([false, true, true], server.Backend.Requests.Select(r => r.IsReplay));
        Assert.All(server.Backend.Requests, r => Assert.Equal(approval.Id, r.ApprovalId));
        Assert.Equal(ApprovalStatus.Succeeded, approval.Status);
        Assert.Equal(1, agent.Log.Count);
    }

    [Fact]
    public async Task Persistent_5xx_on_create_fails_closed_after_the_retries()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        server.InjectFault(ProtocolEndpoint.CreateApproval, ServerFault.Status(HttpStatusCode.InternalServerError), times: 10);
        await using var agent = TestAgent.Create(server);

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => agent.ExportAsync());

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Equal(3, server.CountRequests(ProtocolEndpoint.CreateApproval));
        Assert.Equal("IExporter.ExportCustomersAsync", ex.ActionName);
        Assert.Equal(0, agent.Log.Count);
    }

    [Fact]
    public async Task Backend_down_fails_closed_and_the_target_never_runs()
    {
        var server = await ProtocolTestServer.StartAsync();
        await using var agent = TestAgent.Create(server);
        await server.DisposeAsync();

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => agent.ExportAsync());

        Assert.Null(ex.StatusCode);
        Assert.Null(ex.ApprovalId);
        Assert.Equal(ActionKind.DataExport, ex.ActionKind);
        Assert.Equal(0, agent.Log.Count);
    }

    [Fact]
    public async Task Connection_dropped_while_the_agent_waits_fails_closed_after_the_retries_without_an_outage_tolerance()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.NeverAnswer());
        server.InjectFault(ProtocolEndpoint.GetApproval, ServerFault.DropConnection(), times: 10);
        await using var agent = TestAgent.Create(server, configure: o => o.BackendOutageTolerance = TimeSpan.Zero);

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => agent.ExportAsync());

        Assert.Equal(server.Backend.Approvals.Single().Id, ex.ApprovalId);
        Assert.Equal(3, server.CountRequests(ProtocolEndpoint.GetApproval));
        Assert.Equal(0, server.CountRequests(ProtocolEndpoint.Claim));
        Assert.Equal(0, agent.Log.Count);
    }

    [Fact]
    public async Task A_backend_outage_while_the_agent_waits_is_waited_out_and_the_call_runs_once_approved()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.NeverAnswer());

        // Three reads in a row fail every attempt, as while the backend restarts; then it answers again.
        server.InjectFault(ProtocolEndpoint.GetApproval, ServerFault.DropConnection(), times: 9);
        await using var agent = TestAgent.Create(server);

        var export = agent.ExportAsync();
        var pending = await server.Backend.WaitForRequestAsync();
        await server.Backend.ApproveAsync(pending.Id, "alice@example.com");

        Assert.Equal(Exporter.RowsExported, await export);
        Assert.Equal(1, agent.Log.Count);
        Assert.True(server.CountRequests(ProtocolEndpoint.GetApproval) >= 10);
        Assert.Equal(1, server.CountRequests(ProtocolEndpoint.Claim));
        Assert.Equal(ApprovalStatus.Succeeded, server.Backend.GetApproval(pending.Id).Status);
    }

    [Fact]
    public async Task An_outage_longer_than_the_tolerance_fails_closed_and_nothing_runs()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.NeverAnswer());
        server.InjectFault(ProtocolEndpoint.GetApproval, ServerFault.DropConnection(), times: 100_000);
        await using var agent = TestAgent.Create(server, configure: o => o.BackendOutageTolerance = TimeSpan.FromMilliseconds(300));

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => agent.ExportAsync());

        Assert.Equal(server.Backend.Approvals.Single().Id, ex.ApprovalId);
        Assert.True(server.CountRequests(ProtocolEndpoint.GetApproval) > 3);
        Assert.Equal(0, server.CountRequests(ProtocolEndpoint.Claim));
        Assert.Equal(0, agent.Log.Count);
    }

    [Fact]
    public async Task Malformed_json_reply_fails_closed()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        server.InjectFault(ProtocolEndpoint.CreateApproval, ServerFault.MalformedJson());
        await using var agent = TestAgent.Create(server);

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => agent.ExportAsync());

        Assert.Contains("not a valid Approval", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.CountRequests(ProtocolEndpoint.CreateApproval));
        Assert.Equal(0, server.CountRequests(ProtocolEndpoint.Claim));
        Assert.Equal(0, agent.Log.Count);
    }

    [Fact]
    public async Task Unknown_status_in_a_reply_fails_closed()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.NeverAnswer());
        server.InjectFault(ProtocolEndpoint.GetApproval, ServerFault.UnknownStatus("approved_pending_review"));
        await using var agent = TestAgent.Create(server);

        var export = agent.ExportAsync();
        var pending = await server.Backend.WaitForRequestAsync();
        await server.Backend.ApproveAsync(pending.Id, "alice@example.com");

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => export);
        Assert.Equal(pending.Id, ex.ApprovalId);
        Assert.Equal(0, server.CountRequests(ProtocolEndpoint.Claim));
        Assert.Equal(0, agent.Log.Count);
    }

    [Fact]
    public async Task Reply_for_another_approval_fails_closed()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.NeverAnswer());
        server.InjectFault(ProtocolEndpoint.GetApproval, ServerFault.WrongApprovalId());
        await using var agent = TestAgent.Create(server);

        var export = agent.ExportAsync();
        var pending = await server.Backend.WaitForRequestAsync();
        await server.Backend.ApproveAsync(pending.Id, "alice@example.com");

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => export);
        Assert.Contains("apr_somebody_else", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.CountRequests(ProtocolEndpoint.Claim));
        Assert.Equal(0, agent.Log.Count);
    }

    [Fact]
    public async Task Slow_reply_beyond_the_attempt_timeout_is_retried()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        server.InjectFault(ProtocolEndpoint.CreateApproval, ServerFault.Delay(TimeSpan.FromSeconds(30)));
        await using var agent = TestAgent.Create(server, configure: o => o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(1));

        Assert.Equal(Exporter.RowsExported, await agent.ExportAsync());

        Assert.Equal(2, server.CountRequests(ProtocolEndpoint.CreateApproval));
        Assert.Single(server.Backend.Approvals);
    }

    [Fact]
    public async Task Claim_503_is_not_retried_and_fails_closed()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        server.InjectFault(ProtocolEndpoint.Claim, ServerFault.Status(HttpStatusCode.ServiceUnavailable));
        await using var agent = TestAgent.Create(server);

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => agent.ExportAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal(1, server.CountRequests(ProtocolEndpoint.Claim));
        Assert.Equal(0, server.Backend.ClaimCount);
        Assert.Equal(ApprovalStatus.Approved, server.Backend.Approvals.Single().Status);
        Assert.Equal(0, agent.Log.Count);
    }

    [Fact]
    public async Task Claim_whose_reply_is_lost_is_not_retried_and_fails_closed()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        server.InjectFault(ProtocolEndpoint.Claim, ServerFault.DropConnectionAfterEndpoint());
        await using var agent = TestAgent.Create(server);

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => agent.ExportAsync());

        Assert.Null(ex.StatusCode);
        Assert.Equal(1, server.CountRequests(ProtocolEndpoint.Claim));
        Assert.Equal(1, server.Backend.ClaimCount);
        Assert.Equal(0, agent.Log.Count);

        // The agent cannot know whether its claim won; telling the backend the action did not run keeps the
        // approval from hanging in 'executing'.
        var approval = server.Backend.Approvals.Single();
        Assert.Equal(ApprovalStatus.Failed, approval.Status);
        Assert.Equal(OutcomeStatus.Failed, server.Backend.Outcomes[approval.Id].Status);
    }

    [Fact]
    public async Task Lost_outcome_reply_is_retried_and_recorded_once()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        server.InjectFault(ProtocolEndpoint.Outcomes, ServerFault.StatusAfterEndpoint(HttpStatusCode.ServiceUnavailable));
        await using var agent = TestAgent.Create(server);

        Assert.Equal(Exporter.RowsExported, await agent.ExportAsync());

        Assert.Equal(2, server.CountRequests(ProtocolEndpoint.Outcomes));
        var approval = server.Backend.Approvals.Single();
        Assert.Equal(ApprovalStatus.Succeeded, approval.Status);
        Assert.Single(server.Backend.Transitions, t => t.To == ApprovalStatus.Succeeded);
    }

    [Fact]
    public async Task An_outcome_report_that_fails_does_not_fail_the_action_and_is_kept_until_the_backend_records_it()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        server.InjectFault(ProtocolEndpoint.Outcomes, ServerFault.Status(HttpStatusCode.ServiceUnavailable), times: 10);
        await using var agent = TestAgent.Create(server);

        Assert.Equal(Exporter.RowsExported, await agent.ExportAsync());

        Assert.Equal(1, agent.Log.Count);

        // Ten refusals (the request's own retries, then the reporter's) and the eleventh report is recorded.
        Assert.Equal(11, server.CountRequests(ProtocolEndpoint.Outcomes));
        Assert.Equal(ApprovalStatus.Succeeded, server.Backend.Approvals.Single().Status);
        Assert.Single(server.Backend.Transitions, t => t.To == ApprovalStatus.Succeeded);
    }

    [Fact]
    public async Task Signing_keys_unavailable_after_the_claim_fails_closed_and_reports_the_action_as_not_run()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        server.InjectFault(ProtocolEndpoint.SigningKeys, ServerFault.Status(HttpStatusCode.ServiceUnavailable), times: 10);
        await using var agent = TestAgent.Create(server);

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => agent.ExportAsync());

        var approval = server.Backend.Approvals.Single();
        Assert.Equal(approval.Id, ex.ApprovalId);
        Assert.Equal(0, agent.Log.Count);

        // The claim consumed the approval; the backend must hear that the action did not run.
        Assert.Equal(ApprovalStatus.Failed, approval.Status);
        Assert.Equal(OutcomeStatus.Failed, server.Backend.Outcomes[approval.Id].Status);
    }

    [Fact]
    public async Task Malformed_signing_keys_fail_closed()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        server.InjectFault(ProtocolEndpoint.SigningKeys, ServerFault.MalformedJson());
        await using var agent = TestAgent.Create(server);

        await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => agent.ExportAsync());

        Assert.Equal(0, agent.Log.Count);
        Assert.Equal(1, server.CountRequests(ProtocolEndpoint.SigningKeys));
    }

    [Fact]
    public async Task Reply_saying_the_approval_is_already_executing_is_refused_as_a_replay()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.NeverAnswer());
        server.InjectFault(ProtocolEndpoint.CreateApproval, ServerFault.RewriteJson(json => json["status"] = "executing"));
        await using var agent = TestAgent.Create(server);

        var ex = await Assert.ThrowsAsync<ApprovalVerificationException>(() => agent.ExportAsync());

        Assert.Equal(VerificationCheck.Replay, ex.Check);
        Assert.Equal(0, server.CountRequests(ProtocolEndpoint.Claim));
        Assert.Equal(0, agent.Log.Count);
    }

    [Fact]
    public async Task Repeated_5xx_open_the_circuit_and_later_calls_fail_fast_without_reaching_the_backend()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        server.InjectFault(ProtocolEndpoint.CreateApproval, ServerFault.Status(HttpStatusCode.ServiceUnavailable), times: 100);
        await using var agent = TestAgent.Create(server, configure: o =>
        {
            o.Resilience.CircuitBreakerMinimumThroughput = 2;
            o.Resilience.CircuitBreakerBreakDuration = TimeSpan.FromMinutes(1);
        });

        await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => agent.ExportAsync());
        var seen = server.CountRequests(ProtocolEndpoint.CreateApproval);
        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => agent.ExportAsync());

        Assert.Contains("circuit", ex.Message, StringComparison.Ordinal);
        Assert.Equal(seen, server.CountRequests(ProtocolEndpoint.CreateApproval));
        Assert.Equal(0, agent.Log.Count);
    }
}
