namespace ActionGuard.Benchmarks.Infrastructure;

/// <summary>A clock that never moves, so tokens signed in setup stay valid however long a run takes.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
