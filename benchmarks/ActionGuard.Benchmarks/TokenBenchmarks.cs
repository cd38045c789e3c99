using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ActionGuard.Benchmarks.Infrastructure;
using ActionGuard.Testing;
using ActionGuard.Testing.Internal;
using ActionGuard.Tokens;
using BenchmarkDotNet.Attributes;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Benchmarks;

/// <summary>
/// Token crypto, real ES256 (P-256): what the backend pays to sign a decision token and what the SDK pays to verify it,
/// each also as the bare ECDSA operation so the JWT handling around it shows.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class TokenBenchmarks
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private ECDsaSecurityKey _key = null!;
    private InstantApprovalClient _jwksSource = null!;
    private DecisionTokenClaims _claims = null!;
    private DecisionTokenVerifier _verifier = null!;
    private ConcurrentDictionary<string, DateTimeOffset> _usedTokens = null!;
    private DecisionExpectation _expectation;
    private string _token = null!;
    private string _jti = null!;
    private byte[] _signingInput = null!;
    private byte[] _signature = null!;

    [GlobalSetup]
    public void Setup()
    {
        var time = new FixedTimeProvider(Now);
        _key = TokenFixtures.CreateKey();
        _jwksSource = new InstantApprovalClient(BenchmarkServices.Issuer, BenchmarkServices.AgentId, _key, time);
        _jti = "jti-benchmark";
        _claims = TokenFixtures.Claims(Now, _jti);
        _token = _claims.Content.Write(_key);
        _verifier = TokenFixtures.Verifier(_jwksSource, time, out var replayCache);
        _usedTokens = TokenFixtures.UsedTokens(replayCache);
        _expectation = TokenFixtures.Expectation();
        _signingInput = Encoding.ASCII.GetBytes(_token[.._token.LastIndexOf('.')]);
        _signature = _key.ECDsa.SignData(_signingInput, HashAlgorithmName.SHA256);
        if (VerifyDecisionToken() != InstantApprovalClient.ApprovalId || !VerifyEs256Only())
        {
            throw new InvalidOperationException("The benchmark token does not verify.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _jwksSource.Dispose();
        _key.ECDsa.Dispose();
    }

    [Benchmark(Description = "Sign: the server's decision token writer (ES256)")]
    public string SignDecisionToken() => _claims.Content.Write(_key);

    [Benchmark(Description = "Sign: ECDSA P-256 SignData only")]
    public byte[] SignEs256Only() => _key.ECDsa.SignData(_signingInput, HashAlgorithmName.SHA256);

    [Benchmark(Description = "Verify: DecisionTokenVerifier.VerifyAsync (ES256)")]
    public string VerifyDecisionToken()
    {
        var verified = Completed.Result(_verifier.VerifyAsync(_token, _expectation));

        // The replay cache would refuse the same jti next time; forgetting it is a single allocation-free removal.
        _usedTokens.TryRemove(_jti, out _);
        return verified.ApprovalId;
    }

    [Benchmark(Description = "Verify: ECDSA P-256 VerifyData only")]
    public bool VerifyEs256Only() => _key.ECDsa.VerifyData(_signingInput, _signature, HashAlgorithmName.SHA256);
}
