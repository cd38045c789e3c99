using ActionGuard.Server.Tests.TestSupport;
using ActionGuard.Server.Waiting;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Server.Tests.Approvals;

public sealed class ExpiryTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private TestOidcIssuer Idp => fixture.Idp;

    [Fact]
    public async Task The_timer_expires_a_pending_request_and_wakes_its_long_poll()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = ServerHost.StartInMemory(Idp, timeProvider: time);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent, Api.Body(name: "short.export"));

        var poll = Api.GetAsync(agent, $"v1/approvals/{id}?wait=60");
        await Task.Delay(200);
        Assert.False(poll.IsCompleted);

        // The rule's TTL is 500 ms; the poll's own 60 s timeout lies beyond this advance.
        time.Advance(TimeSpan.FromSeconds(1));
        var reply = await poll.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("expired", reply.ApprovalStatus);
        Assert.Equal(0, host.Services.GetRequiredService<ExpiryScheduler>().Count);
    }

    [Fact]
    public async Task An_approval_not_claimed_within_the_claim_window_expires_and_cannot_be_claimed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = ServerHost.StartInMemory(Idp, timeProvider: time);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var alice = host.CreateClient(Idp.IssueToken("alice", now: time.GetUtcNow(), lifetime: TimeSpan.FromHours(1)));
        var id = await Api.CreatePendingAsync(agent);
        await Api.DecideAsync(alice, id);

        time.Advance(TimeSpan.FromMinutes(5));

        var claim = await Api.ClaimAsync(agent, id);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, claim.Status);
        Assert.Equal("expired", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
    }

    [Fact]
    public async Task A_read_after_the_ttl_shows_expired_even_before_the_timer_runs()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = ServerHost.StartInMemory(Idp, timeProvider: time);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent);
        host.Services.GetRequiredService<ExpiryScheduler>().Cancel(id);

        time.Advance(TimeSpan.FromMinutes(16));

        Assert.Equal("expired", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
    }
}
