using System.Net;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ActionGuard.Server.Tests.EndToEnd;

// The SDK, unchanged, against the backend on a real Kestrel at 127.0.0.1.
public sealed class SdkEndToEndTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private TestOidcIssuer Idp => fixture.Idp;

    [Fact]
    public async Task Guarded_call_runs_once_a_person_approves_and_the_outcome_is_recorded()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        await using var services = AgentServices(host);
        var guard = services.GetRequiredService<IActionGuard>();
        var ran = 0;
        var action = new GuardedAction(ActionKind.DataExport, "Exporter.Export")
        {
            Resource = "crm://customers",
            Destination = "s3://exports/q3.csv",
            Initiator = new ApprovalParty { Issuer = Idp.Issuer, Subject = "dana" },
            Arguments = [new ActionArgument("segment", "emea"), new ActionArgument("apiKey", "sk-secret-value", IsSensitive: true)],
        };

        var run = guard.ExecuteAsync(action, _ => { Interlocked.Increment(ref ran); return Task.FromResult(42); });

        using var approver = host.CreateClient(Idp.IssueToken("alice", "Alice"));
        var id = await WaitForPendingAsync(approver);
        var pending = await Api.GetAsync(approver, "v1/approvals/" + id);
        Assert.DoesNotContain("sk-secret-value", pending.Text);
        Assert.Equal(0, ran);

        Assert.Equal(HttpStatusCode.OK, (await Api.DecideAsync(approver, id)).Status);
        Assert.Equal(42, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, ran);
        await AgentOutcomes.ReportedAsync(services);

        var final = await Api.GetAsync(approver, "v1/approvals/" + id);
        Assert.Equal("succeeded", final.ApprovalStatus);
    }

    [Fact]
    public async Task Guarded_call_is_denied_with_the_approvers_reason()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        await using var services = AgentServices(host);
        var guard = services.GetRequiredService<IActionGuard>();

        var run = guard.ExecuteAsync(new GuardedAction(ActionKind.DataExport, "Exporter.Export"), _ => Task.FromResult(1));
        using var approver = host.CreateClient(Idp.IssueToken("alice"));
        var id = await WaitForPendingAsync(approver);
        await Api.DecideAsync(approver, id, "deny", "wrong bucket");

        var denied = await Assert.ThrowsAsync<ActionDeniedException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("wrong bucket", denied.Reason);
    }

    [Fact]
    public async Task Policy_auto_allow_runs_without_a_person_and_auto_deny_refuses()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        await using var services = AgentServices(host);
        var guard = services.GetRequiredService<IActionGuard>();

        var result = await guard.ExecuteAsync(new GuardedAction(ActionKind.DataExport, "Exporter.Export") { Environment = "dev" }, _ => Task.FromResult("ran"))
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("ran", result);

        var denied = await Assert.ThrowsAsync<ActionDeniedException>(() =>
            guard.ExecuteAsync(new GuardedAction(ActionKind.DataExport, "Exporter.Export") { Destination = "http://plain.example.com" }, _ => Task.FromResult("ran"))
                .WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("Plain HTTP destinations are not allowed.", denied.Reason);
    }

    [Fact]
    public async Task ApprovalClient_speaks_every_agent_endpoint()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        using var client = new ApprovalClient(new ApprovalClientOptions { Endpoint = host.BaseAddress, ApiKey = ServerHost.AgentKey });
        using var approver = host.CreateClient(Idp.IssueToken("alice", "Alice"));
        var request = new CreateApprovalRequest
        {
            Action = new ApprovalAction { Kind = "data_export", Name = "Exporter.Export", Environment = "prod" },
            Initiator = new ApprovalParty { Issuer = Idp.Issuer, Subject = "dana" },
            Arguments = new Dictionary<string, JsonElement> { ["segment"] = JsonSerializer.SerializeToElement("emea") },
            ActionHash = Api.NewHash(),
        };

        var created = await client.CreateApprovalAsync(request, "idem-1");
        Assert.Equal(ApprovalStatus.Pending, created.Status);
        Assert.Equal(created.Id, (await client.CreateApprovalAsync(request, "idem-1")).Id);

        var held = client.GetApprovalAsync(created.Id, TimeSpan.FromSeconds(20));
        await Task.Delay(200);
        Assert.False(held.IsCompleted);
        await Api.DecideAsync(approver, created.Id);
        var approved = await held.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(ApprovalStatus.Approved, approved.Status);
        Assert.Equal("alice", Assert.Single(approved.Decisions).Approver.Subject);

        var claim = await client.ClaimAsync(created.Id);
        var token = new JsonWebToken(claim.DecisionToken);
        Assert.Equal("ES256", token.Alg);
        Assert.Equal(host.BaseAddress.AbsoluteUri.TrimEnd('/'), token.Issuer);
        Assert.Equal(ServerHost.AgentId, Assert.Single(token.Audiences));
        Assert.Equal(created.Id, token.Subject);
        Assert.Equal(request.ActionHash, token.GetClaim("ag_hash").Value);
        Assert.Equal("approved", token.GetClaim("ag_verdict").Value);
        Assert.True(token.ValidTo - token.IssuedAt <= TimeSpan.FromMinutes(5));
        var jwks = await client.GetSigningKeysAsync();
        Assert.Contains(token.Kid, jwks);

        var second = await Assert.ThrowsAsync<ApprovalRequestRejectedException>(() => client.ClaimAsync(created.Id));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);

        await client.ReportOutcomeAsync(created.Id, new ApprovalOutcome { Status = OutcomeStatus.Succeeded });
        Assert.Equal(ApprovalStatus.Succeeded, (await client.GetApprovalAsync(created.Id)).Status);

        var other = await client.CreateApprovalAsync(request, "idem-2");
        await client.CancelAsync(other.Id);
        Assert.Equal(ApprovalStatus.Cancelled, (await client.GetApprovalAsync(other.Id)).Status);
    }

    [Fact]
    public async Task Events_stream_each_change_until_a_final_status()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        using var client = new ApprovalClient(new ApprovalClientOptions { Endpoint = host.BaseAddress, ApiKey = ServerHost.AgentKey });
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var alice = host.CreateClient(Idp.IssueToken("alice"));
        var id = await Api.CreatePendingAsync(agent, Api.Body(kind: "permission_change"));

        var seen = new List<(ApprovalStatus Status, int Decisions)>();
        var watch = Task.Run(async () =>
        {
            await foreach (var approval in client.WatchApprovalAsync(id))
            {
                lock (seen)
                {
                    seen.Add((approval.Status, approval.Decisions.Count));
                }
            }
        });

        await WaitUntil(() => { lock (seen) { return seen.Count == 1; } });
        await Api.DecideAsync(alice, id);
        await WaitUntil(() => { lock (seen) { return seen.Count == 2; } });
        await Api.CancelAsync(agent, id);
        await watch.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([(ApprovalStatus.Pending, 0), (ApprovalStatus.Pending, 1), (ApprovalStatus.Cancelled, 1)], seen);
    }

    [Fact]
    public async Task Long_poll_wakes_within_milliseconds_of_a_decision()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var approver = host.CreateClient(Idp.IssueToken("alice"));
        var id = await Api.CreatePendingAsync(agent);
        await Api.GetAsync(agent, "v1/approvals/" + id); // warm the connection

        var poll = Api.GetAsync(agent, $"v1/approvals/{id}?wait=30");
        await Task.Delay(300);
        var decided = System.Diagnostics.Stopwatch.StartNew();
        await Api.DecideAsync(approver, id);
        var reply = await poll.WaitAsync(TimeSpan.FromSeconds(10));
        decided.Stop();

        Assert.Equal("approved", reply.ApprovalStatus);
        Assert.True(decided.Elapsed < TimeSpan.FromSeconds(2), $"woke after {decided.Elapsed}");
    }

    internal static ServiceProvider AgentServices(ServerHost host) =>
        new ServiceCollection()
            .AddLogging()
            .AddActionGuard(o =>
            {
                o.Endpoint = host.BaseAddress;
                o.AgentId = ServerHost.AgentId;
                o.ApiKey = ServerHost.AgentKey;
                o.Environment = "prod";
                o.LongPollWait = TimeSpan.FromSeconds(5);
                o.DefaultTimeout = TimeSpan.FromSeconds(60);
            })
            .Services.BuildServiceProvider();

    internal static async Task<string> WaitForPendingAsync(HttpClient approver)
    {
        for (var i = 0; i < 200; i++)
        {
            var list = await Api.GetAsync(approver, "v1/approvals?status=pending");
            var items = list.Json["items"]!.AsArray();
            if (items.Count > 0)
            {
                return (string)items[0]!["id"]!;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("No pending approval appeared.");
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition());
    }
}
