namespace ActionGuard.Benchmarks.Infrastructure;

/// <summary>
/// What a user would write without the DispatchProxy decorator: the same action (kind, name, resource, arguments)
/// that the proxy builds from <see cref="IExporter"/>'s attribute, passed to <see cref="IActionGuard.ExecuteAsync"/>.
/// </summary>
public sealed class HandWrittenGuardedExporter(IExporter inner, IActionGuard guard) : IExporter
{
    public async Task<int> ExportAsync(string bucket, string key, int rows)
    {
        var action = new GuardedAction(ActionKind.DataExport, "IExporter.ExportAsync")
        {
            Resource = bucket + "/" + key,
            Arguments = [new("bucket", bucket), new("key", key), new("rows", rows)],
        };

        return await guard.ExecuteAsync(
            action,
            static (s, _) => new ValueTask<int>(s.inner.ExportAsync(s.bucket, s.key, s.rows)),
            (inner, bucket, key, rows)).ConfigureAwait(false);
    }
}
