using System.Diagnostics;

namespace ActionGuard.Server.LoadTest.Infrastructure;

// Latency samples in Stopwatch ticks; percentiles by nearest rank.
internal sealed class Recorder
{
    private readonly Lock _gate = new();
    private readonly List<long> _ticks = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _ticks.Count;
            }
        }
    }

    public void Add(long elapsedTicks)
    {
        lock (_gate)
        {
            _ticks.Add(elapsedTicks);
        }
    }

    public Summary Summarize()
    {
        long[] sorted;
        lock (_gate)
        {
            sorted = [.. _ticks];
        }

        Array.Sort(sorted);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double At(double p) => sorted.Length == 0 ? double.NaN : Ms(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)]);
        return new Summary(
            sorted.Length,
            sorted.Length == 0 ? double.NaN : Ms((long)sorted.Average()),
            At(0.50),
            At(0.90),
            At(0.99),
            sorted.Length == 0 ? double.NaN : Ms(sorted[^1]));
    }

    public sealed record Summary(int Count, double MeanMs, double P50Ms, double P90Ms, double P99Ms, double MaxMs);
}
