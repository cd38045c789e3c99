using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Tests.Interception;

public interface IExporter
{
    [RequiresApproval(ActionKind.DataExport)]
    Task ExportAsync(string bucket);

    [RequiresApproval(ActionKind.DataExport)]
    void Purge();
}

public sealed class Exporter : IExporter
{
    public Task ExportAsync(string bucket) => Task.CompletedTask;

    public void Purge()
    {
    }
}

public sealed class DisposableExporter : IExporter, IDisposable
{
    private readonly CallLog _log;

    public DisposableExporter(CallLog log)
    {
        _log = log;
        log.OnCreated();
    }

    public Task ExportAsync(string bucket) => Task.CompletedTask;

    public void Purge() => _log.Add("Purge");

    public void Dispose() => _log.OnDisposed();
}

public sealed class AsyncDisposableExporter : IExporter, IAsyncDisposable
{
    private readonly CallLog _log;

    public AsyncDisposableExporter(CallLog log)
    {
        _log = log;
        log.OnCreated();
    }

    public Task ExportAsync(string bucket) => Task.CompletedTask;

    public void Purge() => _log.Add("Purge");

    public async ValueTask DisposeAsync()
    {
        await Task.Yield();
        _log.OnDisposed();
    }
}

// The service interface itself extends IDisposable, so the proxy also dispatches Dispose through the interface.
public interface IDisposableService : IDisposable
{
    [RequiresApproval(ActionKind.DataExport)]
    void Export();
}

public sealed class DisposableService(CallLog log) : IDisposableService
{
    public void Export() => log.Add("Export");

    public void Dispose() => log.OnDisposed();
}

public interface IPlainService
{
    string Hello();
}

public sealed class PlainService : IPlainService
{
    public string Hello() => "hello";
}

// Attribute only on the implementation, used by the container validation tests.
public interface IAuditedImporter
{
    Task ImportAsync(string source);
}

public sealed class AuditedImporter : IAuditedImporter
{
    [RequiresApproval(ActionKind.DataExport)]
    public Task ImportAsync(string source) => Task.CompletedTask;
}

public sealed class TestActionGuardBuilder(IServiceCollection services) : IActionGuardBuilder
{
    public IServiceCollection Services { get; } = services;
}
