namespace ActionGuard.Benchmarks.Infrastructure;

/// <summary>The implementation: does no work, so every nanosecond above it is the decorator's.</summary>
public sealed class Exporter : IExporter
{
    public Task<int> ExportAsync(string bucket, string key, int rows) => Task.FromResult(rows);
}
