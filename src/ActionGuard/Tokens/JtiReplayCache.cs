using System.Collections.Concurrent;

namespace ActionGuard.Tokens;

/// <summary>
/// Remembers the <c>jti</c> of every decision token used, until the token could no longer pass the lifetime check,
/// so a token cannot be used twice in this process.
/// </summary>
internal sealed class JtiReplayCache
{
    // A purge walks every entry, so it runs after max(PurgeEvery, entries left by the last purge) adds: amortized O(1)
    // per add however many tokens are live, and never more than about twice the live entries held.
    private const int PurgeEvery = 1024;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private int _addsSincePurge;
    private int _purgeThreshold = PurgeEvery;

    public JtiReplayCache(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
    }

    public int Count => _used.Count;

    /// <summary>Records <paramref name="jti"/> as used until <paramref name="forgetAfter"/>.</summary>
    /// <returns><see langword="false"/> when it was already used.</returns>
    public bool TryUse(string jti, DateTimeOffset forgetAfter)
    {
        if (!_used.TryAdd(jti, forgetAfter))
        {
            return false;
        }

        if (Interlocked.Increment(ref _addsSincePurge) >= Volatile.Read(ref _purgeThreshold))
        {
            Interlocked.Exchange(ref _addsSincePurge, 0);
            Purge();
        }

        return true;
    }

    internal void Purge()
    {
        var now = _timeProvider.GetUtcNow();
        foreach (var entry in _used)
        {
            if (entry.Value < now)
            {
                _used.TryRemove(entry);
            }
        }

        Volatile.Write(ref _purgeThreshold, Math.Max(PurgeEvery, _used.Count));
    }
}
