using System.Diagnostics.CodeAnalysis;
using ActionGuard.Benchmarks.Infrastructure;
using ActionGuard.Testing;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Benchmarks;

/// <summary>
/// The headline figure: one guarded call end to end, through DI as an application wires it, with the
/// in-memory backend approving at once — so it includes the backend's own bookkeeping and its ES256 signing, and the
/// SDK's ES256 verification.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class GuardedCallBenchmarks
{
    // Through the interface on purpose: a decorator is called the same way.
    [SuppressMessage("Performance", "CA1859:Use concrete types when possible for improved performance", Justification = "The baseline is an interface call, like the decorated ones.")]
    private readonly IExporter _direct = new Exporter();
    private InMemoryApprovalBackend _proxyBackend = null!;
    private InMemoryApprovalBackend _handWrittenBackend = null!;
    private ServiceProvider _proxyServices = null!;
    private ServiceProvider _handWrittenServices = null!;
    private IExporter _proxy = null!;
    private IExporter _handWritten = null!;

    [GlobalSetup]
    public void Setup()
    {
        _proxyBackend = new InMemoryApprovalBackend().RespondWith(ApprovalScript.Approve("alice"));
        _handWrittenBackend = new InMemoryApprovalBackend().RespondWith(ApprovalScript.Approve("alice"));
        _proxyServices = BenchmarkServices.WithInMemoryBackend(_proxyBackend, proxy: true);
        _handWrittenServices = BenchmarkServices.WithInMemoryBackend(_handWrittenBackend, proxy: false);
        _proxy = BenchmarkServices.WarmedUp(_proxyServices);
        _handWritten = BenchmarkServices.WarmedUp(_handWrittenServices);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _proxyServices.Dispose();
        _handWrittenServices.Dispose();
        _proxyBackend.Dispose();
        _handWrittenBackend.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Direct call")]
    public Task<int> Direct() => _direct.ExportAsync("reports", "2025/q1.csv", 100);

    [Benchmark(Description = "Hand-written decorator, in-memory backend")]
    public Task<int> HandWritten() => _handWritten.ExportAsync("reports", "2025/q1.csv", 100);

    [Benchmark(Description = "DispatchProxy decorator, in-memory backend")]
    public Task<int> DispatchProxy() => _proxy.ExportAsync("reports", "2025/q1.csv", 100);
}
