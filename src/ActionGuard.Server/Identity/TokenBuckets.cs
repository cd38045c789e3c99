using System.Collections.Concurrent;

namespace ActionGuard.Server.Identity;

/// <summary>
/// A token bucket per key on the <see cref="TimeProvider"/>: <c>burst</c> requests at once, refilled at <c>rate</c> per
/// second. At most <c>maxKeys</c> buckets are kept: past that, buckets that have refilled (which behave as if absent)
/// are dropped first, then the least recently used, so callers that invent keys cannot grow memory without bound.
/// </summary>
internal sealed class TokenBuckets
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly double _rate;
    private readonly double _burst;
    private readonly int _maxKeys;
    private int _pruning;

    public TokenBuckets(TimeProvider timeProvider, double perSecond, int burst, int maxKeys = 100_000)
    {
        _timeProvider = timeProvider;
        _rate = perSecond;
        _burst = burst;
        _maxKeys = maxKeys;
    }

    /// <summary>Gets how many keys hold a bucket.</summary>
    public int Count => _buckets.Count;

    /// <summary>Takes one token; returns the seconds to wait when none is left.</summary>
    public bool TryAcquire(string key, out int retryAfterSeconds) => Take(key, take: true, out retryAfterSeconds);

    /// <summary>Tells whether a token is left, without taking it; returns the seconds to wait when none is.</summary>
    public bool HasToken(string key, out int retryAfterSeconds)
    {
        if (!_buckets.ContainsKey(key))
        {
            retryAfterSeconds = 0;
            return true;
        }

        return Take(key, take: false, out retryAfterSeconds);
    }

    private bool Take(string key, bool take, out int retryAfterSeconds)
    {
        if (_buckets.Count >= _maxKeys && !_buckets.ContainsKey(key))
        {
            Prune();
        }

        var bucket = _buckets.GetOrAdd(key, _ => new Bucket(_burst, _timeProvider.GetTimestamp()));
        lock (bucket)
        {
            var now = _timeProvider.GetTimestamp();
            Refill(bucket, now);
            if (bucket.Tokens >= 1)
            {
                if (take)
                {
                    bucket.Tokens -= 1;
                }

                retryAfterSeconds = 0;
                return true;
            }

            retryAfterSeconds = Math.Max(1, (int)Math.Ceiling((1 - bucket.Tokens) / _rate));
            return false;
        }
    }

    private void Refill(Bucket bucket, long now)
    {
        var elapsed = _timeProvider.GetElapsedTime(bucket.Stamp, now).TotalSeconds;
        bucket.Tokens = Math.Min(_burst, bucket.Tokens + (elapsed * _rate));
        bucket.Stamp = now;
    }

    private void Prune()
    {
        if (Interlocked.Exchange(ref _pruning, 1) == 1)
        {
            return;
        }

        try
        {
            var now = _timeProvider.GetTimestamp();
            foreach (var (key, bucket) in _buckets)
            {
                lock (bucket)
                {
                    Refill(bucket, now);
                    if (bucket.Tokens >= _burst)
                    {
                        _buckets.TryRemove(key, out _);
                    }
                }
            }

            var excess = _buckets.Count - (_maxKeys * 3 / 4);
            if (excess > 0)
            {
                foreach (var (key, _) in _buckets.OrderBy(b => b.Value.Stamp).Take(excess).ToList())
                {
                    _buckets.TryRemove(key, out _);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _pruning, 0);
        }
    }

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;

        public long Stamp { get; set; } = stamp;
    }
}
