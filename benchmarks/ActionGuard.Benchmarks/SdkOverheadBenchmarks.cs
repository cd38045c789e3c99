using System.Diagnostics.CodeAnalysis;
using ActionGuard.Benchmarks.Infrastructure;
using System.Collections.Concurrent;
using ActionGuard.Client;
using ActionGuard.Tokens;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Benchmarks;

/// <summary>
/// The SDK's own cost: the same guarded calls over <see cref="InstantApprovalClient"/> (a backend that costs almost
/// nothing) with the ES256 math replaced by <see cref="NoSignatureMathKey"/>. What the backend double itself
/// costs per call is measured too, so it can be taken out: SDK overhead = decorator − backend double − direct call.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class SdkOverheadBenchmarks
{
    // Through the interface on purpose: a decorator is called the same way.
    [SuppressMessage("Performance", "CA1859:Use concrete types when possible for improved performance", Justification = "The baseline is an interface call, like the decorated ones.")]
    private readonly IExporter _direct = new Exporter();
    private ECDsaSecurityKey _key = null!;
    private InstantApprovalClient _proxyClient = null!;
    private InstantApprovalClient _handWrittenClient = null!;
    private InstantApprovalClient _doubleAlone = null!;
    private ServiceProvider _proxyServices = null!;
    private ServiceProvider _handWrittenServices = null!;
    private IExporter _proxy = null!;
    private IExporter _handWritten = null!;
    private CreateApprovalRequest _request = null!;
    private ApprovalOutcome _outcome = null!;
    private InstantApprovalClient _tokenSource = null!;
    private DecisionTokenVerifier _verifier = null!;
    private ConcurrentDictionary<string, DateTimeOffset> _usedTokens = null!;
    private DecisionExpectation _expectation;
    private string _token = null!;

    [GlobalSetup]
    public void Setup()
    {
        _key = TokenFixtures.CreateKey();
        _proxyClient = new InstantApprovalClient(BenchmarkServices.Issuer, BenchmarkServices.AgentId, _key);
        _handWrittenClient = new InstantApprovalClient(BenchmarkServices.Issuer, BenchmarkServices.AgentId, _key);
        _doubleAlone = new InstantApprovalClient(BenchmarkServices.Issuer, BenchmarkServices.AgentId, _key);
        _proxyServices = BenchmarkServices.WithClient(_proxyClient, proxy: true, signatureMaths: false);
        _handWrittenServices = BenchmarkServices.WithClient(_handWrittenClient, proxy: false, signatureMaths: false);
        _proxy = BenchmarkServices.WarmedUp(_proxyServices);
        _handWritten = BenchmarkServices.WarmedUp(_handWrittenServices);
        _request = new CreateApprovalRequest
        {
            Action = new ApprovalAction { Kind = "data_export", Name = "IExporter.ExportAsync", Resource = "reports/2025/q1.csv" },
            ActionHash = TokenFixtures.ActionHash,
        };
        _outcome = new ApprovalOutcome { Status = OutcomeStatus.Succeeded };

        var time = new FixedTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        _tokenSource = new InstantApprovalClient(BenchmarkServices.Issuer, BenchmarkServices.AgentId, _key, time);
        _tokenSource.CreateApprovalAsync(_request, "idempotency-key").GetAwaiter().GetResult();
        _token = _tokenSource.WriteToken();
        _verifier = TokenFixtures.Verifier(_tokenSource, time, out var replayCache, signatureMaths: false);
        _usedTokens = TokenFixtures.UsedTokens(replayCache);
        // The token carries the digest of the request the double received, as a real backend's does.
        _expectation = TokenFixtures.Expectation() with { RequestDigest = ActionGuard.Hashing.RequestDigest.Compute(_request) };
        _ = VerifyWithoutSignatureCrypto();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _proxyServices.Dispose();
        _handWrittenServices.Dispose();
        _doubleAlone.Dispose();
        _tokenSource.Dispose();
        _key.ECDsa.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Direct call")]
    public Task<int> Direct() => _direct.ExportAsync("reports", "2025/q1.csv", 100);

    [Benchmark(Description = "Hand-written decorator, instant backend, no token crypto")]
    public Task<int> HandWritten() => _handWritten.ExportAsync("reports", "2025/q1.csv", 100);

    [Benchmark(Description = "DispatchProxy decorator, instant backend, no token crypto")]
    public Task<int> DispatchProxy() => _proxy.ExportAsync("reports", "2025/q1.csv", 100);

    [Benchmark(Description = "Instant backend double alone (create, claim, report)")]
    public string BackendDoubleAlone()
    {
        // Every task it returns is already complete, as the guard sees them.
        var approval = _doubleAlone.CreateApprovalAsync(_request, "idempotency-key").GetAwaiter().GetResult();
        var claim = _doubleAlone.ClaimAsync(approval.Id).GetAwaiter().GetResult();
        _doubleAlone.ReportOutcomeAsync(approval.Id, _outcome).GetAwaiter().GetResult();
        return claim.DecisionToken;
    }

    [Benchmark(Description = "DecisionTokenVerifier.VerifyAsync, no signature crypto")]
    public string VerifyWithoutSignatureCrypto()
    {
        var verified = Completed.Result(_verifier.VerifyAsync(_token, _expectation));
        _usedTokens.TryRemove("jti-1", out _);
        return verified.ApprovalId;
    }
}
