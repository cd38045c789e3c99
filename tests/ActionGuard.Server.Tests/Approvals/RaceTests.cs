using System.Net;
using ActionGuard.Server.Tests.TestSupport;

namespace ActionGuard.Server.Tests.Approvals;

// Each race runs many times in parallel; every run must have exactly one winner.
public sealed class RaceTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private const int Runs = 25;

    private TestOidcIssuer Idp => fixture.Idp;

    [Fact]
    public async Task Two_approvers_racing_on_a_one_person_rule_have_one_winner()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var alice = host.CreateClient(Idp.IssueToken("alice"));
        using var bob = host.CreateClient(Idp.IssueToken("bob"));

        await Task.WhenAll(Enumerable.Range(0, Runs).Select(async _ =>
        {
            var id = await Api.CreatePendingAsync(agent);
            var replies = await Task.WhenAll(Api.DecideAsync(alice, id), Api.DecideAsync(bob, id));

            Assert.Single(replies, r => r.Status == HttpStatusCode.OK);
            Assert.Single(replies, r => r.Status == HttpStatusCode.Conflict);
            var current = await Api.GetAsync(agent, "v1/approvals/" + id);
            Assert.Equal("approved", current.ApprovalStatus);
            Assert.Single(current.Json["decisions"]!.AsArray());
        }));
    }

    [Fact]
    public async Task Two_claims_racing_yield_one_decision_token()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var alice = host.CreateClient(Idp.IssueToken("alice"));

        await Task.WhenAll(Enumerable.Range(0, Runs).Select(async _ =>
        {
            var id = await Api.CreatePendingAsync(agent);
            await Api.DecideAsync(alice, id);
            var replies = await Task.WhenAll(Api.ClaimAsync(agent, id), Api.ClaimAsync(agent, id), Api.ClaimAsync(agent, id));

            Assert.Single(replies, r => r.Status == HttpStatusCode.OK);
            Assert.Equal(2, replies.Count(r => r.Status == HttpStatusCode.Conflict));
        }));
    }

    [Fact]
    public async Task A_decision_racing_expiry_has_one_winner_and_a_consistent_record()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var alice = host.CreateClient(Idp.IssueToken("alice"));
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<bool>();

        await Task.WhenAll(Enumerable.Range(0, Runs).Select(async i =>
        {
            // The "short" rule gives 500 ms; decide around that moment.
            var id = await Api.CreatePendingAsync(agent, Api.Body(name: "short.export"));
            await Task.Delay(440 + (i % 5 * 30));
            var decision = await Api.DecideAsync(alice, id);
            var current = await Api.GetAsync(agent, "v1/approvals/" + id);

            if (decision.Status == HttpStatusCode.OK)
            {
                Assert.Equal("approved", current.ApprovalStatus);
                outcomes.Add(true);
            }
            else
            {
                Assert.Equal(HttpStatusCode.Conflict, decision.Status);
                Assert.Equal("expired", current.ApprovalStatus);
                Assert.Empty(current.Json["decisions"]!.AsArray());
                outcomes.Add(false);
            }
        }));

        Assert.Equal(Runs, outcomes.Count);
    }
}
