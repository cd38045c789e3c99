using ActionGuard.Client;
using ActionGuard.Testing.Tests.TestSupport;

namespace ActionGuard.Testing.Tests;

public sealed class LongPollTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();

    private InMemoryApprovalBackend NewBackend(int minApprovals = 1) =>
        new(new InMemoryApprovalBackendOptions { TimeProvider = _time, DefaultMinApprovals = minApprovals });

    [Fact]
    public async Task Long_poll_wakes_as_soon_as_the_approval_is_decided()
    {
        using var backend = NewBackend();
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();

        var poll = client.GetApprovalAsync(approval.Id, TimeSpan.FromSeconds(30));
        await Task.Delay(50);
        Assert.False(poll.IsCompleted);
        await backend.ApproveAsync(approval.Id, "alice");

        var result = await poll.WaitAsync(Generous);
        Assert.Equal(ApprovalStatus.Approved, result.Status);
        Assert.Equal(approval.CreatedAt, _time.GetUtcNow());
    }

    [Fact]
    public async Task Long_poll_ends_after_the_wait_on_the_backend_clock()
    {
        using var backend = NewBackend();
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();

        var poll = client.GetApprovalAsync(approval.Id, TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50);
        Assert.False(poll.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        var result = await poll.WaitAsync(Generous);
        Assert.Equal(ApprovalStatus.Pending, result.Status);
    }

    [Fact]
    public async Task Long_poll_is_not_ended_by_a_decision_that_leaves_the_approval_pending()
    {
        using var backend = NewBackend(minApprovals: 2);
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();

        var poll = client.GetApprovalAsync(approval.Id, TimeSpan.FromSeconds(30));
        await backend.ApproveAsync(approval.Id, "alice");
        await Task.Delay(100);
        Assert.False(poll.IsCompleted);
        await backend.ApproveAsync(approval.Id, "bob");

        var result = await poll.WaitAsync(Generous);
        Assert.Equal(ApprovalStatus.Approved, result.Status);
        Assert.Equal(2, result.Decisions.Count);
    }

    [Fact]
    public async Task Long_poll_returns_at_once_when_the_approval_is_not_pending()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();

        var poll = client.GetApprovalAsync(approval.Id, TimeSpan.FromSeconds(30));

        Assert.True(poll.IsCompleted);
        Assert.Equal(ApprovalStatus.Approved, (await poll).Status);
    }

    [Fact]
    public async Task Long_poll_wait_is_capped_at_sixty_seconds()
    {
        using var backend = NewBackend();
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();

        var poll = client.GetApprovalAsync(approval.Id, TimeSpan.FromMinutes(10));
        _time.Advance(TimeSpan.FromSeconds(60));

        Assert.Equal(ApprovalStatus.Pending, (await poll.WaitAsync(Generous)).Status);
    }

    [Fact]
    public async Task Long_poll_wakes_when_the_ttl_passes()
    {
        using var backend = new InMemoryApprovalBackend(new InMemoryApprovalBackendOptions { TimeProvider = _time, DefaultTtl = TimeSpan.FromSeconds(20) });
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();

        var poll = client.GetApprovalAsync(approval.Id, TimeSpan.FromSeconds(60));
        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(ApprovalStatus.Expired, (await poll.WaitAsync(Generous)).Status);
    }

    [Fact]
    public async Task Long_poll_honours_cancellation_and_releases_its_timer()
    {
        using var backend = NewBackend();
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();
        var timersBefore = _time.ActiveTimerCount;
        using var cts = new CancellationTokenSource();

        var poll = client.GetApprovalAsync(approval.Id, TimeSpan.FromSeconds(30), cts.Token);
        Assert.Equal(timersBefore + 1, _time.ActiveTimerCount);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll.WaitAsync(Generous));
        Assert.Equal(timersBefore, _time.ActiveTimerCount);
    }

    [Fact]
    public async Task Watch_yields_every_change_until_a_final_status()
    {
        using var backend = NewBackend(minApprovals: 2);
        backend.RespondWith(ApprovalScript.NeverAnswer());
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();
        var seen = new List<Approval>();
        var watching = Task.Run(async () =>
        {
            await foreach (var change in client.WatchApprovalAsync(approval.Id))
            {
                lock (seen)
                {
                    seen.Add(change);
                }
            }
        });

        await WaitUntil(() => Count(seen) == 1);
        await backend.ApproveAsync(approval.Id, "alice");
        await WaitUntil(() => Count(seen) == 2);
        await backend.ApproveAsync(approval.Id, "bob");
        await WaitUntil(() => Count(seen) == 3);
        await client.ClaimAsync(approval.Id);
        await WaitUntil(() => Count(seen) == 4);
        await client.ReportOutcomeAsync(approval.Id, new ApprovalOutcome { Status = OutcomeStatus.Succeeded });
        await watching.WaitAsync(Generous);

        Assert.Equal(
            [ApprovalStatus.Pending, ApprovalStatus.Pending, ApprovalStatus.Approved, ApprovalStatus.Executing, ApprovalStatus.Succeeded],
            seen.Select(a => a.Status));
        Assert.Single(seen[1].Decisions);
    }

    [Fact]
    public async Task Watch_stops_when_cancelled()
    {
        using var backend = NewBackend();
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();
        using var cts = new CancellationTokenSource();
        var enumerator = client.WatchApprovalAsync(approval.Id, cts.Token).GetAsyncEnumerator(cts.Token);

        Assert.True(await enumerator.MoveNextAsync());
        var next = enumerator.MoveNextAsync().AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(Generous));
        await enumerator.DisposeAsync();
    }

    private static int Count(List<Approval> seen)
    {
        lock (seen)
        {
            return seen.Count;
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Generous;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Condition not met in time.");
            await Task.Delay(10);
        }
    }
}
