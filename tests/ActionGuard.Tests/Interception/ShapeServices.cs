namespace ActionGuard.Tests.Interception;

public interface IShapes
{
    [RequiresApproval(ActionKind.InfrastructureMutation)]
    void Restart(string host);

    [RequiresApproval(ActionKind.PermissionChange)]
    int Grant(string user, string role);

    [RequiresApproval(ActionKind.DataExport)]
    Task ExportAsync(string bucket, CancellationToken cancellationToken);

    [RequiresApproval(ActionKind.DataExport)]
    Task<string> ExportToAsync(string bucket, int rows, CancellationToken cancellationToken);

    [RequiresApproval(ActionKind.InfrastructureMutation)]
    ValueTask ScaleAsync(string cluster, int nodes);

    [RequiresApproval(ActionKind.InfrastructureMutation)]
    ValueTask<int> DeleteAsync(string cluster, CancellationToken cancellationToken);

    string Describe(string what);

    bool TryParse(string text, out int value);

    Task<int> CountAsync(CancellationToken cancellationToken);
}

public sealed class Shapes : IShapes
{
    private readonly CallLog _log;

    public Shapes(CallLog log)
    {
        _log = log;
        log.OnCreated();
    }

    public void Restart(string host) => _log.Add($"Restart({host})");

    public int Grant(string user, string role)
    {
        _log.Add($"Grant({user},{role})");
        return 42;
    }

    public async Task ExportAsync(string bucket, CancellationToken cancellationToken)
    {
        await Task.Yield();
        _log.Add($"ExportAsync({bucket})", cancellationToken);
    }

    public async Task<string> ExportToAsync(string bucket, int rows, CancellationToken cancellationToken)
    {
        await Task.Yield();
        _log.Add($"ExportToAsync({bucket},{rows})", cancellationToken);
        return $"{rows} rows to {bucket}";
    }

    public async ValueTask ScaleAsync(string cluster, int nodes)
    {
        await Task.Yield();
        _log.Add($"ScaleAsync({cluster},{nodes})");
    }

    public async ValueTask<int> DeleteAsync(string cluster, CancellationToken cancellationToken)
    {
        await Task.Yield();
        _log.Add($"DeleteAsync({cluster})", cancellationToken);
        return 7;
    }

    public string Describe(string what)
    {
        _log.Add($"Describe({what})");
        return "described " + what;
    }

    public bool TryParse(string text, out int value)
    {
        _log.Add($"TryParse({text})");
        return int.TryParse(text, out value);
    }

    public Task<int> CountAsync(CancellationToken cancellationToken)
    {
        _log.Add("CountAsync", cancellationToken);
        return Task.FromResult(3);
    }
}
