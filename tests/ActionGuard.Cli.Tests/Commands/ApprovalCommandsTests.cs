using ActionGuard.Cli.Tests.TestSupport;
using ActionGuard.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Cli.Tests.Commands;

// approvals list, approve and deny against `actionguard serve --dev` on 127.0.0.1, with requests from the SDK.
public sealed class ApprovalCommandsTests
{
    [Fact]
    public async Task List_shows_a_pending_request_created_through_the_sdk()
    {
        await using var server = await CliServer.StartAsync();
        using var agent = server.CreateAgentClient();
        var created = await server.CreatePendingAsync(agent, "Exporter.ExportCustomers");
        var token = await server.TokenAsync("alice", "approvers");

        var result = await server.RunAsync(token, "approvals", "list");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ID", lines[0]);
        var row = Assert.Single(lines, l => l.StartsWith(created.Id, StringComparison.Ordinal));
        Assert.Contains("pending", row);
        Assert.Contains("data_export", row);
        Assert.Contains("Exporter.ExportCustomers", row);
        Assert.Contains(CliServer.AgentId, row);
        Assert.Contains("0/1", row);
        Assert.Contains("RESOURCE", lines[0]);
        Assert.Contains("DESTINATION", lines[0]);
        Assert.Contains("crm://customers", row);
        Assert.Contains("s3://exports/q3.csv", row);
    }

    [Fact]
    public async Task Show_prints_everything_a_reviewer_decides_on_and_the_decisions_so_far()
    {
        await using var server = await CliServer.StartAsync();
        using var agent = server.CreateAgentClient();
        using var arguments = System.Text.Json.JsonDocument.Parse("""{"segment":"emea","limit":100}""");
        var created = await agent.CreateApprovalAsync(
            new CreateApprovalRequest
            {
                Action = new ApprovalAction { Kind = "data_export", Name = "Exporter.Export", Resource = "crm://customers", Destination = "s3://exports/q3.csv", Environment = "prod" },
                Arguments = arguments.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()),
                DataClasses = new Dictionary<string, long> { ["email"] = 3 },
                Justification = "quarterly report",
                ActionHash = "sha256:" + new string('a', 64),
            },
            Guid.NewGuid().ToString("N"));
        var token = await server.TokenAsync("alice", "approvers");

        var before = await server.RunAsync(token, "approvals", "show", created.Id);
        await server.RunAsync(token, "approve", created.Id, "--reason", "fine");
        var after = await server.RunAsync(token, "approvals", "show", created.Id);

        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.StartsWith($"Approval {created.Id}: pending", before.Out, StringComparison.Ordinal);
        foreach (var expected in new[] { "data_export Exporter.Export", "crm://customers", "s3://exports/q3.csv", "prod", CliServer.AgentId, "quarterly report", "email 3", "segment = \"emea\"", "limit = 100", "0 of 1 approvals" })
        {
            Assert.Contains(expected, before.Out, StringComparison.Ordinal);
        }

        Assert.Contains("approve by alice", after.Out, StringComparison.Ordinal);
        Assert.Contains(": fine", after.Out, StringComparison.Ordinal);
        var missing = await server.RunAsync(token, "approvals", "show", "apr_missing");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("approval-not-found", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_as_jsonl_filters_by_status()
    {
        await using var server = await CliServer.StartAsync();
        using var agent = server.CreateAgentClient();
        var pending = await server.CreatePendingAsync(agent, "Exporter.Pending");
        var denied = await server.CreatePendingAsync(agent, "Exporter.Denied");
        var token = await server.TokenAsync("alice", "approvers");
        Assert.Equal(0, (await server.RunAsync(token, "deny", denied.Id, "--reason", "no")).ExitCode);

        var pendingOnly = await server.RunAsync(token, "approvals", "list", "--format", "jsonl");
        var deniedOnly = await server.RunAsync(token, "approvals", "list", "--status", "denied", "--format", "jsonl");

        var line = Assert.Single(pendingOnly.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"\"id\":\"{pending.Id}\"", line);
        Assert.Contains($"\"id\":\"{denied.Id}\"", Assert.Single(deniedOnly.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task Approve_lets_the_waiting_guarded_call_run()
    {
        await using var server = await CliServer.StartAsync();
        await using var services = AgentServices(server);
        var guard = services.GetRequiredService<IActionGuard>();
        var ran = 0;
        var run = guard.ExecuteAsync(new GuardedAction(ActionKind.DataExport, "Exporter.Export"), _ => { Interlocked.Increment(ref ran); return Task.FromResult(42); });
        var token = await server.TokenAsync("alice", "approvers");
        var id = await WaitForPendingAsync(server, token);
        Assert.Equal(0, ran);

        var result = await server.RunAsync(token, "approve", id, "--reason", "looks right");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Approved {id}: status is now approved", result.Out);
        Assert.Equal(42, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, ran);
    }

    [Fact]
    public async Task Deny_ends_the_request_and_the_waiting_agent_gets_the_reason()
    {
        await using var server = await CliServer.StartAsync();
        using var agent = server.CreateAgentClient();
        var created = await server.CreatePendingAsync(agent);
        var waiting = agent.GetApprovalAsync(created.Id, TimeSpan.FromSeconds(30));
        var token = await server.TokenAsync("bob", "approvers");

        var result = await server.RunAsync(token, "deny", created.Id, "--reason", "wrong bucket");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("status is now denied", result.Out);
        var final = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ApprovalStatus.Denied, final.Status);
        var decision = Assert.Single(final.Decisions);
        Assert.Equal("wrong bucket", decision.Reason);
        Assert.Equal("bob", decision.Approver.Subject);
    }

    [Theory]
    [InlineData]
    [InlineData("--reason", "")]
    [InlineData("--reason", "   ")]
    public async Task Deny_without_a_reason_is_a_usage_error_and_changes_nothing(params string[] reason)
    {
        await using var server = await CliServer.StartAsync();
        using var agent = server.CreateAgentClient();
        var created = await server.CreatePendingAsync(agent);
        var token = await server.TokenAsync("alice", "approvers");

        var result = await server.RunAsync(token, ["deny", created.Id, .. reason]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--reason", result.Error);
        Assert.Equal(ApprovalStatus.Pending, (await agent.GetApprovalAsync(created.Id)).Status);
    }

    [Fact]
    public async Task Self_approval_is_refused_with_the_servers_explanation()
    {
        await using var server = await CliServer.StartAsync();
        using var agent = server.CreateAgentClient();
        var issuer = server.BaseAddress.AbsoluteUri.TrimEnd('/') + "/dev/oidc";
        var created = await server.CreatePendingAsync(agent, initiator: new ApprovalParty { Issuer = issuer, Subject = "alice" });
        var token = await server.TokenAsync("alice", "approvers");

        var result = await server.RunAsync(token, "approve", created.Id);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: Self-approval is not allowed (403 self-approval)", result.Error);
        Assert.Equal(ApprovalStatus.Pending, (await agent.GetApprovalAsync(created.Id)).Status);
    }

    [Fact]
    public async Task A_second_decision_on_a_decided_request_prints_the_conflict()
    {
        await using var server = await CliServer.StartAsync();
        using var agent = server.CreateAgentClient();
        var created = await server.CreatePendingAsync(agent);
        Assert.Equal(0, (await server.RunAsync(await server.TokenAsync("alice", "approvers"), "approve", created.Id)).ExitCode);

        var result = await server.RunAsync(await server.TokenAsync("bob", "approvers"), "deny", created.Id, "--reason", "too late");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("409 not-pending", result.Error);
        Assert.Contains(created.Id, result.Error);
    }

    private static ServiceProvider AgentServices(CliServer server) =>
        new ServiceCollection()
            .AddLogging()
            .AddActionGuard(o =>
            {
                o.Endpoint = server.BaseAddress;
                o.AgentId = CliServer.AgentId;
                o.ApiKey = CliServer.AgentKey;
                o.Environment = "prod";
                o.LongPollWait = TimeSpan.FromSeconds(5);
                o.DefaultTimeout = TimeSpan.FromSeconds(60);
            })
            .Services.BuildServiceProvider();

    private static async Task<string> WaitForPendingAsync(CliServer server, string token)
    {
        for (var i = 0; i < 200; i++)
        {
            var list = await server.RunAsync(token, "approvals", "list", "--format", "jsonl");
            var line = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (line is not null)
            {
                using var document = System.Text.Json.JsonDocument.Parse(line);
                return document.RootElement.GetProperty("id").GetString()!;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("No pending approval appeared.");
    }
}
