using ActionGuard.Server.Audit;
using ActionGuard.Server.Store;

namespace ActionGuard.Server.Tests.Store;

public sealed class GroupCommitTests
{
    [Fact]
    public async Task Writes_queued_while_a_batch_commits_are_committed_together_in_order()
    {
        var log = new AttemptLog();
        var queue = new GroupCommit<List<int>>(log.AttemptAsync);

        var first = queue.WriteAsync(Work(0), CancellationToken.None);
        var rest = Enumerable.Range(1, 10).Select(i => queue.WriteAsync(Work(i), CancellationToken.None)).ToList();
        log.ReleaseFirst.SetResult();

        Assert.Equal(0, await first);
        Assert.Equal(Enumerable.Range(1, 10), await Task.WhenAll(rest));
        Assert.Equal([[0], Enumerable.Range(1, 10).ToList()], log.Committed);
    }

    [Fact]
    public async Task A_write_that_throws_fails_alone_and_the_rest_of_its_batch_commits_in_a_new_attempt()
    {
        var log = new AttemptLog { ReleaseFirstAt = -1 };
        var queue = new GroupCommit<List<int>>(log.AttemptAsync);

        var writes = queue.WriteManyAsync([Work(1), _ => throw new InvalidOperationException("bad write"), Work(3)], CancellationToken.None);

        Assert.Equal(1, await writes[0]);
        Assert.Equal("bad write", (await Assert.ThrowsAsync<InvalidOperationException>(() => writes[1])).Message);
        Assert.Equal(3, await writes[2]);
        Assert.Equal(2, log.Attempts);
        Assert.Equal([[1, 3]], log.Committed);
    }

    [Fact]
    public async Task A_transaction_that_fails_fails_every_write_in_it_and_the_next_write_still_runs()
    {
        var log = new AttemptLog { ReleaseFirstAt = -1, FailCommit = true };
        var queue = new GroupCommit<List<int>>(log.AttemptAsync);

        var writes = queue.WriteManyAsync([Work(1), Work(2)], CancellationToken.None);

        Assert.All(await Task.WhenAll(writes.Select(w => Assert.ThrowsAsync<IOException>(() => w))), e => Assert.Equal("disk full", e.Message));
        log.FailCommit = false;
        Assert.Equal(4, await queue.WriteAsync(Work(4), CancellationToken.None));
        Assert.Equal([[4]], log.Committed);
    }

    [Fact]
    public async Task A_caller_that_stops_waiting_before_its_write_is_taken_withdraws_it()
    {
        var log = new AttemptLog();
        var queue = new GroupCommit<List<int>>(log.AttemptAsync);
        using var cancel = new CancellationTokenSource();

        var first = queue.WriteAsync(Work(0), CancellationToken.None);
        var withdrawn = queue.WriteAsync(Work(1), cancel.Token);
        var kept = queue.WriteAsync(Work(2), CancellationToken.None);
        await cancel.CancelAsync();
        log.ReleaseFirst.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withdrawn);
        Assert.Equal(2, await kept);
        await first;
        Assert.Equal([[0], [2]], log.Committed);
    }

    [Fact]
    public async Task A_caller_that_stops_waiting_after_its_write_was_taken_gets_the_committed_result()
    {
        var log = new AttemptLog();
        var queue = new GroupCommit<List<int>>(log.AttemptAsync);
        using var cancel = new CancellationTokenSource();

        var taken = queue.WriteAsync(Work(5), cancel.Token);
        await log.FirstStarted.Task;
        await cancel.CancelAsync();
        log.ReleaseFirst.SetResult();

        Assert.Equal(5, await taken);
        Assert.Equal([[5]], log.Committed);
    }

    private static Func<List<int>, ValueTask<(int Result, IReadOnlyList<AuditEntry> Audit)>> Work(int value) => session =>
    {
        session.Add(value);
        return new((value, []));
    };

    // A store's attempt: runs every write on one session (a list standing for the transaction) and "commits" it. The
    // first attempt can be held open, so that writes queue behind it.
    private sealed class AttemptLog
    {
        public TaskCompletionSource ReleaseFirst { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource FirstStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int ReleaseFirstAt { get; init; }

        public bool FailCommit { get; set; }

        public int Attempts { get; private set; }

        public List<List<int>> Committed { get; } = [];

        public async Task AttemptAsync(IReadOnlyList<GroupWrite<List<int>>> batch)
        {
            var attempt = Attempts++;
            var session = new List<int>();
            foreach (var write in batch)
            {
                await write.RunAsync(session);
            }

            if (attempt == ReleaseFirstAt)
            {
                FirstStarted.SetResult();
                await ReleaseFirst.Task;
            }

            if (FailCommit)
            {
                throw new IOException("disk full");
            }

            Committed.Add(session);
        }
    }
}
