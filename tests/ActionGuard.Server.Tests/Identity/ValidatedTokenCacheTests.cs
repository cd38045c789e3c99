using System.Net;
using ActionGuard.Client;
using ActionGuard.Server.Identity;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace ActionGuard.Server.Tests.Identity;

// An approver's token is validated once and remembered, never past its own expiry nor five minutes.
public sealed class ValidatedTokenCacheTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    [Fact]
    public async Task A_remembered_token_is_refused_once_it_expires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = ServerHost.StartInMemory(fixture.Idp, timeProvider: time);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var alice = host.CreateClient(fixture.Idp.IssueToken("alice", now: time.GetUtcNow(), lifetime: TimeSpan.FromMinutes(2)));
        var first = await Api.CreatePendingAsync(agent);
        var second = await Api.CreatePendingAsync(agent);
        Assert.Equal(HttpStatusCode.OK, (await Api.DecideAsync(alice, first)).Status);

        time.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.DecideAsync(alice, second)).Status);
    }

    [Fact]
    public void An_entry_lasts_until_the_token_expires_or_five_minutes_whichever_is_first()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new ValidatedTokenCache(time);
        var alice = Caller.ForPerson(new ApprovalParty { Subject = "alice" }, new HashSet<string>());
        cache.Add("short", alice, time.GetUtcNow().AddMinutes(1));
        cache.Add("long", alice, time.GetUtcNow().AddHours(1));

        Assert.True(cache.TryGet("short", out var found));
        Assert.Same(alice, found);
        Assert.False(cache.TryGet("unknown", out _));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.False(cache.TryGet("short", out _));
        Assert.True(cache.TryGet("long", out _));
        time.Advance(ValidatedTokenCache.MaxAge);
        Assert.False(cache.TryGet("long", out _));
    }

    [Fact]
    public void The_cache_is_bounded()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new ValidatedTokenCache(time);
        var alice = Caller.ForPerson(new ApprovalParty { Subject = "alice" }, new HashSet<string>());
        for (var i = 0; i <= ValidatedTokenCache.MaxEntries; i++)
        {
            cache.Add("token-" + i, alice, time.GetUtcNow().AddHours(1));
        }

        Assert.True(cache.Count <= ValidatedTokenCache.MaxEntries);
        Assert.True(cache.TryGet("token-" + ValidatedTokenCache.MaxEntries, out _));
    }
}
