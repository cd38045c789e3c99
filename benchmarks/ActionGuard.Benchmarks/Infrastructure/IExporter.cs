namespace ActionGuard.Benchmarks.Infrastructure;

/// <summary>The privileged service of every benchmark: three arguments, one of them a value type.</summary>
public interface IExporter
{
    [RequiresApproval(ActionKind.DataExport, Resource = "{bucket}/{key}")]
    Task<int> ExportAsync(string bucket, string key, int rows);
}
