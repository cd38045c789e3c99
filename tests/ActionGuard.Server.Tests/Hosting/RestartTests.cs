using System.Net;
using ActionGuard.Server.Tests.EndToEnd;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Server.Tests.Hosting;

public sealed class RestartTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private TestOidcIssuer Idp => fixture.Idp;

    [Fact]
    public async Task Restart_with_pending_requests_loses_nothing_and_a_waiting_agent_resumes()
    {
        var data = ServerHost.NewDataDirectory();
        var first = await ServerHost.StartKestrelAsync(Idp, dataDirectory: data);
        var port = first.BaseAddress.Port;
        await using var services = SdkEndToEndTests.AgentServices(first);
        var guard = services.GetRequiredService<IActionGuard>();
        var ran = false;

        using var agent = first.CreateClient(ServerHost.AgentKey);
        var other = await Api.CreatePendingAsync(agent, Api.Body(kind: "permission_change"));
        using (var alice = first.CreateClient(Idp.IssueToken("alice")))
        {
            await Api.DecideAsync(alice, other);
        }

        var run = guard.ExecuteAsync(new GuardedAction(ActionKind.DataExport, "Exporter.Export"), _ => { ran = true; return Task.FromResult(7); });
        string id;
        using (var approver = first.CreateClient(Idp.IssueToken("alice")))
        {
            id = await WaitForNewestAsync(approver, other);
        }

        var jwksBefore = (await Api.GetAsync(first.CreateClient(), ".well-known/jwks.json")).Text;
        await first.DisposeAsync();

        await using var second = await ServerHost.StartKestrelAsync(Idp, dataDirectory: data, port: port);
        try
        {
            using var approver = second.CreateClient(Idp.IssueToken("bob"));
            var before = await Api.GetAsync(approver, "v1/approvals/" + other);
            Assert.Equal("pending", before.ApprovalStatus);
            Assert.Single(before.Json["decisions"]!.AsArray());
            Assert.Equal(jwksBefore, (await Api.GetAsync(second.CreateClient(), ".well-known/jwks.json")).Text);

            Assert.Equal(HttpStatusCode.OK, (await Api.DecideAsync(approver, id)).Status);
            Assert.Equal(7, await run.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.True(ran);
            Assert.Equal("approved", (await Api.DecideAsync(approver, other)).ApprovalStatus);

            using var auditor = second.CreateClient(Idp.IssueToken("carol", groups: ["actionguard-auditors"]));
            Assert.True((bool)(await Api.GetAsync(auditor, "v1/audit/verify")).Json["ok"]!);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    private static async Task<string> WaitForNewestAsync(HttpClient approver, string except)
    {
        for (var i = 0; i < 200; i++)
        {
            var items = (await Api.GetAsync(approver, "v1/approvals?status=pending")).Json["items"]!.AsArray();
            var id = items.Select(x => (string)x!["id"]!).FirstOrDefault(x => x != except);
            if (id is not null)
            {
                return id;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException();
    }
}
