using System.Net;
using ActionGuard.Server.Tests.TestSupport;
using ActionGuard.Server.Waiting;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Server.Tests.Waiting;

// Long polls and event streams register a wake-up signal only for a pending approval the caller may read: a flood of
// polls on ids that do not exist, on another agent's approval or on decided ones leaves nothing behind.
public sealed class ApprovalSignalsTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private TestOidcIssuer Idp => fixture.Idp;

    [Fact]
    public async Task Polls_and_streams_on_unknown_foreign_or_decided_approvals_register_no_signal()
    {
        await using var host = ServerHost.StartInMemory(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var other = host.CreateClient(ServerHost.OtherAgentKey);
        using var approver = host.CreateClient(Idp.IssueToken("alice"));
        var signals = host.Services.GetRequiredService<ApprovalSignals>();
        var pending = await Api.CreatePendingAsync(agent);
        var decided = await Api.CreatePendingAsync(agent);
        await Api.DecideAsync(approver, decided, "deny", "no");

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync(agent, $"v1/approvals/apr_missing{i}?wait=1")).Status);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync(agent, "v1/approvals/apr_missing/events")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Api.GetAsync(other, $"v1/approvals/{pending}?wait=1")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Api.GetAsync(other, $"v1/approvals/{pending}/events")).Status);
        Assert.Equal("denied", (await Api.GetAsync(agent, $"v1/approvals/{decided}?wait=1")).ApprovalStatus);
        Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync(agent, $"v1/approvals/{decided}/events")).Status);

        Assert.Equal(0, signals.Count);
    }

    [Fact]
    public async Task A_poll_on_a_pending_approval_still_wakes_when_it_is_decided_and_leaves_no_signal()
    {
        await using var host = ServerHost.StartInMemory(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var approver = host.CreateClient(Idp.IssueToken("alice"));
        var signals = host.Services.GetRequiredService<ApprovalSignals>();
        var id = await Api.CreatePendingAsync(agent);

        var poll = Api.GetAsync(agent, $"v1/approvals/{id}?wait=30");
        for (var i = 0; i < 200 && signals.Count == 0; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(1, signals.Count);
        await Api.DecideAsync(approver, id);

        Assert.Equal("approved", (await poll.WaitAsync(TimeSpan.FromSeconds(10))).ApprovalStatus);
        Assert.Equal(0, signals.Count);
    }

    [Fact]
    public void A_wait_on_any_change_wakes_at_the_next_change_only()
    {
        var signals = new ApprovalSignals();
        signals.Signal("apr_before");
        var first = signals.NextChangeOfAny();
        Assert.False(first.IsCompleted);
        Assert.Same(first, signals.NextChangeOfAny());

        signals.Signal("apr_1");

        Assert.True(first.IsCompletedSuccessfully);
        var next = signals.NextChangeOfAny();
        Assert.False(next.IsCompleted);
        signals.SignalAll();
        Assert.True(next.IsCompletedSuccessfully);
    }
}
