using ActionGuard.Server.Approvals;
using ActionGuard.Server.Tests.TestSupport;
using ActionGuard.Server.Tests.Web;
using ActionGuard.Server.Waiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ActionGuard.Server.Tests.Waiting;

// A pending request whose agent stopped asking about it is marked for reviewers, and unmarked when the agent is back.
public sealed class AgentPresenceTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    [Fact]
    public async Task A_request_whose_agent_stopped_asking_is_marked_on_the_list_and_the_detail_until_the_agent_asks_again()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await fixture.StartServerAsync(timeProvider: time);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent);
        using var alice = new ReviewClient(host);
        await alice.SignInAsync("alice");

        var (_, fresh) = await alice.GetPageAsync("review");
        Assert.DoesNotContain("may have gone away", fresh, StringComparison.Ordinal);

        time.Advance(AgentPresence.GoneAfter + TimeSpan.FromMinutes(1));
        await alice.SignInAsync("alice");
        var (_, list) = await alice.GetPageAsync("review");
        var (_, detail) = await alice.GetPageAsync("review/" + id);

        Assert.Contains("not heard from for 3 min; may have gone away", list, StringComparison.Ordinal);
        Assert.Contains("id=\"agent-gone\"", detail, StringComparison.Ordinal);
        Assert.Contains("An approval runs nothing unless the agent comes back for it.", detail, StringComparison.Ordinal);

        var poll = await Api.GetAsync(agent, $"v1/approvals/{id}");
        Assert.Equal(System.Net.HttpStatusCode.OK, poll.Status);
        var (_, back) = await alice.GetPageAsync("review");
        Assert.DoesNotContain("may have gone away", back, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_is_forgotten_once_it_is_final()
    {
        await using var host = await fixture.StartServerAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var presence = host.Services.GetRequiredService<AgentPresence>();
        var id = await Api.CreatePendingAsync(agent);
        Assert.NotNull(presence.LastSeen(id));

        await host.Services.GetRequiredService<ApprovalService>().ExpireNowAsync(id, default);

        Assert.Null(presence.LastSeen(id));
        Assert.Equal(0, presence.Count);
    }
}
