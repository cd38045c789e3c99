using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Testing;
using ActionGuard.Tests.TestSupport;

namespace ActionGuard.Tests.EndToEnd;

public sealed class ApprovalFlowTests
{
    private const string Jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    [Fact]
    public async Task Approved_export_runs_once_reports_success_and_never_sends_secrets()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        await using var agent = TestAgent.Create(server);

        var rows = await agent.ExportAsync("s3://reports", note: "use bearer " + Jwt + " to upload", apiKey: "ak-live-5f1c2e9b");

        Assert.Equal(Exporter.RowsExported, rows);
        Assert.Equal(["s3://reports|use bearer " + Jwt + " to upload|ak-live-5f1c2e9b"], agent.Log.Calls);

        var approval = Assert.Single(server.Backend.Approvals);
        Assert.Equal(ApprovalStatus.Succeeded, approval.Status);
        Assert.Equal(OutcomeStatus.Succeeded, server.Backend.Outcomes[approval.Id].Status);
        Assert.Equal("IExporter.ExportCustomersAsync", approval.Action.Name);
        Assert.Equal("s3://reports", approval.Action.Destination);
        Assert.Equal(1, server.Backend.ClaimCount);
        Assert.Equal(
            [ApprovalStatus.Approved, ApprovalStatus.Executing, ApprovalStatus.Succeeded],
            server.Backend.Transitions.Select(t => t.To));

        // What left the process, byte for byte: neither the [Sensitive] value nor the embedded JWT.
        Assert.NotEmpty(server.ReceivedRequests);
        foreach (var request in server.ReceivedRequests)
        {
            Assert.DoesNotContain("ak-live-5f1c2e9b", request.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(Jwt, request.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", request.Body, StringComparison.Ordinal);
        }

        using var body = JsonDocument.Parse(server.RequestsTo(ProtocolEndpoint.CreateApproval).Single().Body);
        var arguments = body.RootElement.GetProperty("arguments");
        Assert.Equal("s3://reports", arguments.GetProperty("destination").GetString());
        Assert.Contains("[redacted:", arguments.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("use bearer ", arguments.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.NotEqual("ak-live-5f1c2e9b", arguments.GetProperty("apiKey").ToString());
        Assert.StartsWith("sha256:", body.RootElement.GetProperty("actionHash").GetString(), StringComparison.Ordinal);
        Assert.True(body.RootElement.GetProperty("dataClasses").EnumerateObject().Any(), "the reviewer sees which classes were masked");
    }

    [Fact]
    public async Task Every_agent_request_carries_the_api_key_and_the_create_carries_an_idempotency_key()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        await using var agent = TestAgent.Create(server);

        await agent.ExportAsync();

        var agentRequests = server.ReceivedRequests.Where(r => r.Endpoint != ProtocolEndpoint.SigningKeys).ToList();
        // A person decides after the create reply, so the agent reads the decision once before it claims.
        Assert.Equal(
            [ProtocolEndpoint.CreateApproval, ProtocolEndpoint.GetApproval, ProtocolEndpoint.Claim, ProtocolEndpoint.Outcomes],
            agentRequests.Select(r => r.Endpoint));
        Assert.All(agentRequests, r => Assert.StartsWith("Bearer ak_agent-a_", r.Authorization, StringComparison.Ordinal));
        Assert.False(string.IsNullOrWhiteSpace(server.RequestsTo(ProtocolEndpoint.CreateApproval).Single().IdempotencyKey));
        Assert.Equal(1, server.CountRequests(ProtocolEndpoint.SigningKeys));
    }

    [Fact]
    public async Task Denial_carries_who_and_why_and_the_target_never_runs()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Deny(by: "bob@example.com", reason: "no exports during the audit"));
        await using var agent = TestAgent.Create(server);

        var ex = await Assert.ThrowsAsync<ActionDeniedException>(() => agent.ExportAsync());

        Assert.Equal("bob@example.com", ex.DeniedBy?.Subject);
        Assert.Equal(TestIdentities.Issuer, ex.DeniedBy?.Issuer);
        Assert.Equal("no exports during the audit", ex.Reason);
        Assert.False(ex.IsPolicyDecision);
        Assert.Equal(server.Backend.Approvals.Single().Id, ex.ApprovalId);
        Assert.Equal("IExporter.ExportCustomersAsync", ex.ActionName);
        Assert.Equal(0, agent.Log.Count);
        Assert.Equal(0, server.CountRequests(ProtocolEndpoint.Claim));
    }

    [Fact]
    public async Task Policy_denial_is_marked_as_a_policy_decision()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.When(a => a.Action.Kind == ActionKind.DataExport).Named("no-exports")
            .RespondWith(ApprovalScript.DenyByPolicy("exports are frozen"));
        await using var agent = TestAgent.Create(server);

        var ex = await Assert.ThrowsAsync<ActionDeniedException>(() => agent.ExportAsync());

        Assert.True(ex.IsPolicyDecision);
        Assert.Equal("policy:no-exports", ex.DeniedBy?.Subject);
        Assert.Equal("exports are frozen", ex.Reason);
        Assert.Equal(0, agent.Log.Count);
    }

    [Fact]
    public async Task Expiry_on_the_backend_is_a_timeout_marked_expired_on_backend()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.When(_ => true).ExpiringAfter(TimeSpan.FromMilliseconds(50)).RespondWith(ApprovalScript.NeverAnswer());
        await using var agent = TestAgent.Create(server);

        var ex = await Assert.ThrowsAsync<ApprovalTimeoutException>(() => agent.ExportAsync());

        Assert.True(ex.ExpiredOnBackend);
        Assert.Equal(ApprovalStatus.Expired, server.Backend.Approvals.Single().Status);
        Assert.Equal(server.Backend.Approvals.Single().Id, ex.ApprovalId);
        Assert.Equal(0, agent.Log.Count);
        Assert.Equal(0, server.CountRequests(ProtocolEndpoint.Claim));
    }

    [Fact]
    public async Task Local_timeout_withdraws_the_request_on_the_backend()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.NeverAnswer());
        await using var agent = TestAgent.Create(server);
        var action = new GuardedAction(ActionKind.PermissionChange, "grant-admin") { Timeout = TimeSpan.FromMilliseconds(300) };

        var ex = await Assert.ThrowsAsync<ApprovalTimeoutException>(() => agent.RunAsync(action));

        Assert.False(ex.ExpiredOnBackend);
        var approval = server.Backend.Approvals.Single();
        Assert.Equal(approval.Id, ex.ApprovalId);
        Assert.Equal(ApprovalStatus.Cancelled, approval.Status);
        Assert.Equal(approval.Id, server.RequestsTo(ProtocolEndpoint.Cancel).Single().ApprovalId);
        Assert.Equal(0, agent.Log.Count);
    }

    [Fact]
    public async Task Caller_cancellation_while_waiting_cancels_the_request_on_the_backend()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.NeverAnswer());
        await using var agent = TestAgent.Create(server);
        using var cts = new CancellationTokenSource();

        var export = agent.ExportAsync(cancellationToken: cts.Token);
        await server.WaitForRequestAsync(ProtocolEndpoint.GetApproval);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => export);
        Assert.Equal(ApprovalStatus.Cancelled, server.Backend.Approvals.Single().Status);
        Assert.Equal(1, server.CountRequests(ProtocolEndpoint.Cancel));
        Assert.Equal(0, agent.Log.Count);
    }

    [Fact]
    public async Task A_decision_made_during_the_long_poll_wakes_the_agent_at_once()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.NeverAnswer());
        await using var agent = TestAgent.Create(server, configure: o => o.LongPollWait = TimeSpan.FromSeconds(30));

        var stopwatch = Stopwatch.StartNew();
        var export = agent.ExportAsync();
        var poll = await server.WaitForRequestAsync(ProtocolEndpoint.GetApproval);
        var pending = await server.Backend.WaitForRequestAsync();
        await server.Backend.ApproveAsync(pending.Id, "alice@example.com");

        Assert.Equal(Exporter.RowsExported, await export);
        stopwatch.Stop();

        // One held GET answered by the decision, long before the 30 s wait would have ended it.
        Assert.Equal("?wait=30", poll.Query);
        Assert.Equal(1, server.CountRequests(ProtocolEndpoint.GetApproval));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"took {stopwatch.Elapsed}");
        Assert.Equal(ApprovalStatus.Succeeded, server.Backend.GetApproval(pending.Id).Status);
    }

    [Fact]
    public async Task N_of_M_threshold_waits_for_distinct_people()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.When(_ => true).RequiringApprovals(2).RespondWith(ApprovalScript.NeverAnswer());
        await using var agent = TestAgent.Create(server);

        var export = agent.ExportAsync();
        var pending = await server.Backend.WaitForRequestAsync();
        await server.Backend.ApproveAsync(pending.Id, "alice@example.com");
        Assert.False(export.IsCompleted);
        await server.Backend.ApproveAsync(pending.Id, "bob@example.com");

        Assert.Equal(Exporter.RowsExported, await export);
        var claims = server.Backend.Claims.Single().Claims;
        Assert.Equal(["alice@example.com", "bob@example.com"], claims.Approvers.Select(a => a.Subject));
    }

    [Fact]
    public async Task Agent_b_cannot_claim_or_read_agent_a_approval()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.NeverAnswer());
        await using var agentA = TestAgent.Create(server, "agent-a");
        await using var agentB = TestAgent.Create(server, "agent-b");

        var export = agentA.ExportAsync();
        var pending = await server.Backend.WaitForRequestAsync();
        await server.Backend.ApproveAsync(pending.Id, "alice@example.com");
        Assert.Equal(Exporter.RowsExported, await export);

        var claim = await Assert.ThrowsAsync<ApprovalRequestRejectedException>(() => agentB.Client.ClaimAsync(pending.Id));
        Assert.Equal(HttpStatusCode.Forbidden, claim.StatusCode);
        var read = await Assert.ThrowsAsync<ApprovalRequestRejectedException>(() => agentB.Client.GetApprovalAsync(pending.Id));
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal(ProtocolProblems.NotOwner.Type, read.ProblemType);

        Assert.Equal("agent-a", Assert.Single(server.Backend.Claims).AgentId);
        Assert.Equal(ApprovalStatus.Succeeded, server.Backend.GetApproval(pending.Id).Status);
        Assert.Equal(0, agentB.Log.Count);
    }

    [Fact]
    public async Task Agent_b_cannot_claim_agent_a_approval_before_agent_a_does()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.NeverAnswer());
        await using var agentA = TestAgent.Create(server, "agent-a");
        await using var agentB = TestAgent.Create(server, "agent-b");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.InjectFault(ProtocolEndpoint.Claim, ServerFault.HoldUntil(release.Task));

        var export = agentA.ExportAsync();
        var pending = await server.Backend.WaitForRequestAsync();
        await server.Backend.ApproveAsync(pending.Id, "alice@example.com");
        await server.WaitForRequestAsync(ProtocolEndpoint.Claim);

        // Agent A's claim is held at the door; agent B races for the approved approval and loses.
        var ex = await Assert.ThrowsAsync<ApprovalRequestRejectedException>(() => agentB.Client.ClaimAsync(pending.Id));
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Equal(ApprovalStatus.Approved, server.Backend.GetApproval(pending.Id).Status);

        release.SetResult();
        Assert.Equal(Exporter.RowsExported, await export);
        Assert.Equal("agent-a", Assert.Single(server.Backend.Claims).AgentId);
    }

    [Fact]
    public async Task Unknown_api_key_is_rejected_with_401_and_the_target_never_runs()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        await using var agent = TestAgent.Create(server, configure: o => o.ApiKey = "ak_stolen_or_revoked");

        var ex = await Assert.ThrowsAsync<ApprovalRequestRejectedException>(() => agent.ExportAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal(ProtocolProblems.Unauthorized.Type, ex.ProblemType);
        Assert.Equal(1, server.CountRequests(ProtocolEndpoint.CreateApproval));
        Assert.Empty(server.Backend.Approvals);
        Assert.Equal(0, agent.Log.Count);
    }

    [Fact]
    public async Task A_failing_target_is_reported_as_failed_with_its_secrets_masked()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        await using var agent = TestAgent.Create(server);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => agent.Guard.ExecuteAsync(
            new GuardedAction(ActionKind.InfrastructureMutation, "db.drop"),
            _ => Task.FromException<int>(new InvalidOperationException("upload refused for token " + Jwt))));
        await agent.OutcomesReportedAsync();

        Assert.Contains(Jwt, ex.Message, StringComparison.Ordinal);
        var approval = server.Backend.Approvals.Single();
        Assert.Equal(ApprovalStatus.Failed, approval.Status);
        var error = server.Backend.Outcomes[approval.Id].Error;
        Assert.Contains("InvalidOperationException", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Jwt, error, StringComparison.Ordinal);
        Assert.DoesNotContain(Jwt, server.RequestsTo(ProtocolEndpoint.Outcomes).Single().Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_auto_approval_is_claimed_without_polling()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.When(a => a.Action.Kind == ActionKind.DataExport).Named("reports-bucket").RespondWith(ApprovalScript.Approve());
        await using var agent = TestAgent.Create(server);

        Assert.Equal(Exporter.RowsExported, await agent.ExportAsync());

        Assert.Equal(0, server.CountRequests(ProtocolEndpoint.GetApproval));
        var claims = Assert.Single(server.Backend.Claims).Claims;
        Assert.Equal("policy:reports-bucket", Assert.Single(claims.Approvers).Subject);
    }

    [Fact]
    public async Task A_long_poll_that_ends_without_a_decision_is_renewed()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.NeverAnswer());
        await using var agent = TestAgent.Create(server, configure: o => o.LongPollWait = TimeSpan.FromSeconds(1));

        var export = agent.ExportAsync();
        await server.WaitForRequestAsync(ProtocolEndpoint.GetApproval, occurrence: 2);
        await server.Backend.ApproveAsync(server.Backend.Approvals.Single().Id, "alice@example.com");

        Assert.Equal(Exporter.RowsExported, await export);
        Assert.All(server.RequestsTo(ProtocolEndpoint.GetApproval), r => Assert.Equal("?wait=1", r.Query));
    }

    [Fact]
    public async Task Concurrent_calls_get_their_own_approvals_tokens_and_outcomes()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        await using var agent = TestAgent.Create(server);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => agent.ExportAsync("s3://reports/" + i)));

        Assert.All(results, r => Assert.Equal(Exporter.RowsExported, r));
        Assert.Equal(8, agent.Log.Count);
        Assert.Equal(8, server.Backend.Approvals.Count);
        Assert.All(server.Backend.Approvals, a => Assert.Equal(ApprovalStatus.Succeeded, a.Status));
        Assert.Equal(8, server.Backend.Claims.Select(c => c.Claims.Id).Distinct().Count());
        Assert.Equal(8, server.RequestsTo(ProtocolEndpoint.CreateApproval).Select(r => r.IdempotencyKey).Distinct().Count());
        Assert.Equal(8, server.Backend.Approvals.Select(a => a.ActionHash).Distinct().Count());
    }

    [Fact]
    public async Task Caller_cancellation_while_the_create_reply_is_in_flight_still_withdraws_the_request()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.NeverAnswer());
        var neverReleased = new TaskCompletionSource();
        server.InjectFault(ProtocolEndpoint.CreateApproval, ServerFault.HoldReplyUntil(neverReleased.Task));
        await using var agent = TestAgent.Create(server);
        using var cts = new CancellationTokenSource();

        var export = agent.ExportAsync(cancellationToken: cts.Token);
        var pending = await server.Backend.WaitForRequestAsync();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => export);

        // The backend created the request though its reply never arrived; it must not stay pending for an approver.
        Assert.Equal(ApprovalStatus.Cancelled, server.Backend.GetApproval(pending.Id).Status);
        Assert.Single(server.Backend.Approvals);
        Assert.Single(server.RequestsTo(ProtocolEndpoint.CreateApproval).Select(r => r.IdempotencyKey).Distinct());
        Assert.Equal(0, agent.Log.Count);
    }

    [Fact]
    public async Task Local_timeout_while_the_create_reply_is_in_flight_still_withdraws_the_request()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.NeverAnswer());
        var neverReleased = new TaskCompletionSource();
        server.InjectFault(ProtocolEndpoint.CreateApproval, ServerFault.HoldReplyUntil(neverReleased.Task));
        await using var agent = TestAgent.Create(server);
        var action = new GuardedAction(ActionKind.PermissionChange, "grant-admin") { Timeout = TimeSpan.FromMilliseconds(300) };

        var ex = await Assert.ThrowsAsync<ApprovalTimeoutException>(() => agent.RunAsync(action));

        Assert.False(ex.ExpiredOnBackend);
        var approval = Assert.Single(server.Backend.Approvals);
        Assert.Equal(ApprovalStatus.Cancelled, approval.Status);
        Assert.Equal(approval.Id, ex.ApprovalId);
        Assert.Equal(0, agent.Log.Count);
    }
}
