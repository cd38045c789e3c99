using System.Collections.Concurrent;

namespace ActionGuard.Server.Identity;

/// <summary>A token bucket per agent on the <see cref="TimeProvider"/>: <c>burst</c> requests at once, refilled at <c>rate</c> per second.</summary>
internal sealed class AgentRateLimiter
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly double _rate;
    private readonly double _burst;

    public AgentRateLimiter(TimeProvider timeProvider, double requestsPerSecond, int burst)
    {
        _timeProvider = timeProvider;
        _rate = requestsPerSecond;
        _burst = burst;
    }

    /// <summary>Takes one token; returns the seconds to wait when none is left.</summary>
    public bool TryAcquire(string agentId, out int retryAfterSeconds)
    {
        var bucket = _buckets.GetOrAdd(agentId, _ => new Bucket(_burst, _timeProvider.GetTimestamp()));
        lock (bucket)
        {
            var now = _timeProvider.GetTimestamp();
            var elapsed = _timeProvider.GetElapsedTime(bucket.Stamp, now).TotalSeconds;
            bucket.Tokens = Math.Min(_burst, bucket.Tokens + (elapsed * _rate));
            bucket.Stamp = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                retryAfterSeconds = 0;
                return true;
            }

            retryAfterSeconds = (int)Math.Ceiling((1 - bucket.Tokens) / _rate);
            return false;
        }
    }

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;

        public long Stamp { get; set; } = stamp;
    }
}
