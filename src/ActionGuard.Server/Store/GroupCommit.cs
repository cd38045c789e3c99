using System.Collections.Concurrent;
using ActionGuard.Server.Audit;

namespace ActionGuard.Server.Store;

/// <summary>
/// Group commit: write transactions that arrive while another is being written are committed together, in one
/// database transaction with one audit append and one commit, instead of queueing for a lock one by one.
/// </summary>
/// <remarks>
/// <para>
/// There is no writer thread. The caller that finds nobody writing becomes the leader and commits every write queued
/// at that moment (at most <see cref="MaxBatch"/>) in one attempt of the store's; the others wait for their
/// own write's result. A leader whose write is done hands the rest of the queue to the thread pool, so one request
/// never serves a busy server's writes forever.
/// </para>
/// <para>
/// Each write is a pure function of what it reads inside the transaction, so it can be run again. When one write
/// throws, the store rolls the whole batch back and the queue fails that write alone and runs the
/// others again in a new transaction: a fault of one request never commits or fails another's.
/// </para>
/// </remarks>
/// <typeparam name="TSession">What the store's writes run on: its connection and transaction.</typeparam>
internal sealed class GroupCommit<TSession>
{
    /// <summary>The most writes in one transaction: enough to amortise the commit, few enough to bound a batch's latency.</summary>
    public const int MaxBatch = 64;

    private readonly ConcurrentQueue<GroupWrite<TSession>> _queue = new();
    private readonly Func<IReadOnlyList<GroupWrite<TSession>>, Task> _attempt;
    private int _leading;

    /// <summary>Creates the queue over the store's batch writer.</summary>
    /// <param name="attempt">
    /// Runs every write of the batch in one transaction on one session (<see cref="GroupWrite{TSession}.RunAsync"/>),
    /// appends their audit records in order and commits; lets a <see cref="GroupWriteFault"/> through (after rolling
    /// back), or throws anything else when the transaction itself failed.
    /// </param>
    public GroupCommit(Func<IReadOnlyList<GroupWrite<TSession>>, Task> attempt)
    {
        _attempt = attempt;
    }

    /// <summary>Queues one write transaction and returns its result once it is committed.</summary>
    public Task<T> WriteAsync<T>(Func<TSession, ValueTask<(T Result, IReadOnlyList<AuditEntry> Audit)>> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var write = new GroupWrite<TSession, T>(work);
        _queue.Enqueue(write);
        Lead();
        return write.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Queues several write transactions at once, so they are committed together, and returns each one's result or
    /// fault in order.
    /// </summary>
    public Task<T>[] WriteManyAsync<T>(IReadOnlyList<Func<TSession, ValueTask<(T Result, IReadOnlyList<AuditEntry> Audit)>>> works, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var writes = new GroupWrite<TSession, T>[works.Count];
        for (var i = 0; i < writes.Length; i++)
        {
            writes[i] = new GroupWrite<TSession, T>(works[i]);
            _queue.Enqueue(writes[i]);
        }

        Lead();
        var tasks = new Task<T>[writes.Length];
        for (var i = 0; i < writes.Length; i++)
        {
            tasks[i] = writes[i].WaitAsync(cancellationToken);
        }

        return tasks;
    }

    // A write that throws is failed alone and the rest are attempted again in a new transaction.
    private async Task CommitAsync(IReadOnlyList<GroupWrite<TSession>> batch)
    {
        var remaining = batch;
        while (remaining.Count > 0)
        {
            try
            {
                await _attempt(remaining).ConfigureAwait(false);
                foreach (var write in remaining)
                {
                    write.Complete();
                }

                return;
            }
            catch (GroupWriteFault fault)
            {
                var failed = (GroupWrite<TSession>)fault.Write;
                failed.Fail(fault.InnerException!);
                remaining = [.. remaining.Where(w => !ReferenceEquals(w, failed))];
            }
#pragma warning disable CA1031 // The transaction failed (disk, lock, connection): every write in it fails with that.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                foreach (var write in remaining)
                {
                    write.Fail(ex);
                }

                return;
            }
        }
    }

    private void Lead()
    {
        // Only one leader: the others' writes are in the queue it drains.
        if (Interlocked.CompareExchange(ref _leading, 1, 0) != 0)
        {
            return;
        }

        _ = DrainAsync();
    }

    private async Task DrainAsync()
    {
        var batch = new List<GroupWrite<TSession>>(MaxBatch);
        var batches = 0;
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.TryDequeue(out var write))
            {
                if (write.TryTake())
                {
                    batch.Add(write);
                }
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch).ConfigureAwait(false);

                // Past the first batch the leader is no longer serving its own request: give the thread back.
                if (++batches == 1 && !_queue.IsEmpty)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(static state => _ = ((GroupCommit<TSession>)state!).DrainAsync(), this, preferLocal: false);
                    return;
                }

                continue;
            }

            Volatile.Write(ref _leading, 0);

            // A write queued between the last empty look and the release would otherwise wait for the next writer.
            if (_queue.IsEmpty || Interlocked.CompareExchange(ref _leading, 1, 0) != 0)
            {
                return;
            }
        }
    }
}
