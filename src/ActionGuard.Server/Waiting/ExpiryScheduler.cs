using System.Collections.Concurrent;

namespace ActionGuard.Server.Waiting;

/// <summary>
/// One <see cref="TimeProvider"/> timer per approval that can still expire. When it fires, the owner runs the expiry
/// transition, which re-checks the time inside the store's transaction; reads expire due approvals as well.
/// </summary>
internal sealed class ExpiryScheduler : IDisposable
{
    private readonly ConcurrentDictionary<string, ITimer> _timers = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private Func<string, Task>? _onDue;
    private bool _disposed;

    public ExpiryScheduler(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
    }

    /// <summary>Sets what runs when an approval is due; called once by the approval service.</summary>
    public void Start(Func<string, Task> onDue) => _onDue = onDue;

    public int Count => _timers.Count;

    public void Schedule(string approvalId, DateTimeOffset dueAt)
    {
        if (_disposed)
        {
            return;
        }

        var due = dueAt - _timeProvider.GetUtcNow();
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }

        var entry = new Entry(this, approvalId);
        var timer = _timeProvider.CreateTimer(static state => ((Entry)state!).Fire(), entry, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        entry.Timer = timer;
        var previous = _timers.AddOrUpdate(approvalId, timer, (_, old) =>
        {
            old.Dispose();
            return timer;
        });
        _ = previous;

        // Armed only once registered, so a timer due at once cannot fire before it can be found and removed.
        timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    public void Cancel(string approvalId)
    {
        if (_timers.TryRemove(approvalId, out var timer))
        {
            timer.Dispose();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var timer in _timers.Values)
        {
            timer.Dispose();
        }

        _timers.Clear();
    }

    private void Fire(string approvalId, ITimer timer)
    {
        // Remove only this timer: a newer one (the claim window after an approval) stays armed.
        _timers.TryRemove(KeyValuePair.Create(approvalId, timer));
        timer.Dispose();
        if (!_disposed && _onDue is { } onDue)
        {
            _ = onDue(approvalId);
        }
    }

    private sealed class Entry(ExpiryScheduler scheduler, string approvalId)
    {
        public ITimer? Timer { get; set; }

        public void Fire()
        {
            if (Timer is { } timer)
            {
                scheduler.Fire(approvalId, timer);
            }
        }
    }
}
