using System.Collections.Concurrent;

namespace ActionGuard.Server.Waiting;

/// <summary>
/// In-process wake-ups per approval: a long poll or event stream takes the current signal before it reads the state,
/// and every committed change completes it. No loop polls the store.
/// </summary>
internal sealed class ApprovalSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);
    // Created only when someone waits on any change (an open review page), so a change with nobody listening costs one
    // read of this field, not an allocation.
    private TaskCompletionSource? _anyChange;

    /// <summary>Gets a task that completes at the next change of <paramref name="approvalId"/>. Take it before reading.</summary>
    public Task NextChange(string approvalId) =>
        _signals.GetOrAdd(approvalId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Gets a task that completes at the next change of any approval (for the review page's live updates).</summary>
    public Task NextChangeOfAny()
    {
        var current = Volatile.Read(ref _anyChange);
        if (current is not null)
        {
            return current.Task;
        }

        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Interlocked.CompareExchange(ref _anyChange, created, null) ?? created).Task;
    }

    /// <summary>Wakes everyone waiting on <paramref name="approvalId"/>, and everyone waiting on any change.</summary>
    public void Signal(string approvalId)
    {
        if (_signals.TryRemove(approvalId, out var signal))
        {
            signal.TrySetResult();
        }

        SignalAny();
    }

    /// <summary>
    /// Drops <paramref name="taken"/> when it is still the current signal of an approval that will not change again
    /// (gone, or no longer pending); anyone else holding it is woken to read the approval again.
    /// </summary>
    public void Forget(string approvalId, Task taken)
    {
        if (_signals.TryGetValue(approvalId, out var signal) && signal.Task == taken && _signals.TryRemove(new KeyValuePair<string, TaskCompletionSource>(approvalId, signal)))
        {
            signal.TrySetResult();
        }
    }

    /// <summary>
    /// Wakes every waiter, so each reads its approval again; for when changes may have been missed (a lost connection
    /// to the other instances' change feed).
    /// </summary>
    public void SignalAll()
    {
        foreach (var approvalId in _signals.Keys)
        {
            Signal(approvalId);
        }

        SignalAny();
    }

    /// <summary>Gets how many approvals have waiters or unconsumed signals; for tests.</summary>
    internal int Count => _signals.Count;

    private void SignalAny()
    {
        if (Volatile.Read(ref _anyChange) is not null)
        {
            Interlocked.Exchange(ref _anyChange, null)?.TrySetResult();
        }
    }
}
