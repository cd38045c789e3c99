using ActionGuard.Client;
using ActionGuard.Hashing;
using ActionGuard.Redaction;
using BenchmarkDotNet.Attributes;

namespace ActionGuard.Benchmarks;

/// <summary>The two per-call pieces of the request the SDK builds itself, on the action a guarded ExportAsync builds.</summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class PartsBenchmarks
{
    private readonly byte[] _nonce = new byte[ActionHasher.NonceLength];
    private ActionHasher _hasher = null!;
    private ArgumentRedactor _redactor = null!;
    private GuardedAction _action = null!;
    private CreateApprovalRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        _hasher = new ActionHasher(null);
        _redactor = new ArgumentRedactor(new RedactionOptions(), null);
        _action = new GuardedAction(ActionKind.DataExport, "IExporter.ExportAsync")
        {
            Resource = "reports/2025/q1.csv",
            Arguments = [new("bucket", "reports"), new("key", "2025/q1.csv"), new("rows", 100)],
        };
        Random.Shared.NextBytes(_nonce);
        _request = new CreateApprovalRequest
        {
            Action = new ApprovalAction { Kind = "data_export", Name = "IExporter.ExportAsync", Resource = "reports/2025/q1.csv", Environment = "production" },
            Arguments = _redactor.Redact(_action.Arguments).Arguments,
            DataClasses = new Dictionary<string, long> { ["internal"] = 1 },
            ActionHash = _hasher.ComputeHash(_action, null, _nonce),
            ClaimIfAllowed = true,
        };
    }

    [Benchmark(Description = "ActionHasher.ComputeHash")]
    public string Hash() => _hasher.ComputeHash(_action, null, _nonce);

    [Benchmark(Description = "RequestDigest.Compute (the create body)")]
    public string Digest() => RequestDigest.Compute(_request);

    [Benchmark(Description = "ArgumentRedactor.Redact")]
    public int Redact() => _redactor.Redact(_action.Arguments).Arguments.Count;
}
