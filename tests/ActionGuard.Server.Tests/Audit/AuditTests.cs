using System.Net;
using ActionGuard.Server.Tests.TestSupport;

namespace ActionGuard.Server.Tests.Audit;

public sealed class AuditTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private TestOidcIssuer Idp => fixture.Idp;

    [Fact]
    public async Task Every_transition_is_recorded_in_order_and_the_chain_verifies()
    {
        await using var host = ServerHost.StartInMemory(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var alice = host.CreateClient(Idp.IssueToken("alice"));
        using var auditor = host.CreateClient(Idp.IssueToken("carol", groups: ["actionguard-auditors"]));
        var id = await Api.CreatePendingAsync(agent);
        await Api.DecideAsync(alice, id);
        await Api.ClaimAsync(agent, id);
        await Api.OutcomeAsync(agent, id, "failed");
        var auto = (await Api.CreateAsync(agent, Api.Body(environment: "dev"))).Id;

        var page = await Api.GetAsync(auditor, "v1/audit?after=0&limit=100");
        var records = page.Json["records"]!.AsArray();
        Assert.Equal(
            ["requested", "decided", "approved", "claimed", "failed", "requested", "auto_decided", "approved"],
            records.Select(r => (string)r!["type"]!).ToList());
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), records.Select(r => (long)r!["seq"]!));
        Assert.Equal("user:alice@" + Idp.Issuer, (string?)records[1]!["actor"]);
        Assert.Equal("policy:dev-exports", (string?)records[6]!["actor"]);
        Assert.Equal(auto, (string?)records[7]!["approvalId"]);
        for (var i = 1; i < records.Count; i++)
        {
            Assert.Equal((string?)records[i - 1]!["hash"], (string?)records[i]!["prevHash"]);
        }

        var tail = await Api.GetAsync(auditor, "v1/audit?after=6&limit=1");
        Assert.Equal(7, (long)tail.Json["records"]![0]!["seq"]!);
        Assert.Equal(7, (long)tail.Json["nextAfter"]!);

        var verify = await Api.GetAsync(auditor, "v1/audit/verify");
        Assert.True((bool)verify.Json["ok"]!);
        Assert.Equal(8, (long)verify.Json["records"]!);
        Assert.Null(verify.Json["firstBrokenSeq"]);
    }

    [Theory]
    [InlineData("UPDATE audit SET data = '{\"verdict\":\"deny\"}' WHERE seq = 2", 2)]
    [InlineData("UPDATE audit SET actor = 'user:mallory@x' WHERE seq = 3", 3)]
    [InlineData("UPDATE audit SET at = '2020-01-01T00:00:00.0000000Z' WHERE seq = 1", 1)]
    [InlineData("DELETE FROM audit WHERE seq = 2", 2)]
    public async Task Verify_finds_the_first_tampered_row(string tamper, long brokenSeq)
    {
        await using var host = ServerHost.StartInMemory(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var alice = host.CreateClient(Idp.IssueToken("alice"));
        using var auditor = host.CreateClient(Idp.IssueToken("carol", groups: ["actionguard-auditors"]));
        var id = await Api.CreatePendingAsync(agent);
        await Api.DecideAsync(alice, id);
        await Api.ClaimAsync(agent, id);

        host.Store.ExecuteRaw(tamper);
        var verify = await Api.GetAsync(auditor, "v1/audit/verify");

        Assert.Equal(HttpStatusCode.OK, verify.Status);
        Assert.False((bool)verify.Json["ok"]!);
        Assert.Equal(brokenSeq, (long)verify.Json["firstBrokenSeq"]!);
    }

    [Fact]
    public async Task A_rehashed_tampered_row_still_breaks_the_link_to_the_next()
    {
        await using var host = ServerHost.StartInMemory(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var auditor = host.CreateClient(Idp.IssueToken("carol", groups: ["actionguard-auditors"]));
        await Api.CreatePendingAsync(agent);
        await Api.CreatePendingAsync(agent);

        host.Store.ExecuteRaw("UPDATE audit SET hash = 'ffff' WHERE seq = 1");
        var verify = await Api.GetAsync(auditor, "v1/audit/verify");

        Assert.False((bool)verify.Json["ok"]!);
        Assert.Equal(1, (long)verify.Json["firstBrokenSeq"]!);
    }
}
