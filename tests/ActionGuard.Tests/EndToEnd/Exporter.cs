namespace ActionGuard.Tests.EndToEnd;

public sealed class Exporter(ExportLog log) : IExporter
{
    public const int RowsExported = 1204;

    public Task<int> ExportCustomersAsync(string destination, string note, string apiKey, CancellationToken cancellationToken)
    {
        log.Add($"{destination}|{note}|{apiKey}");
        return Task.FromResult(RowsExported);
    }
}
