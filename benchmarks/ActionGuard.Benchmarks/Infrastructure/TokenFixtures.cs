using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using ActionGuard.Testing;
using ActionGuard.Testing.Internal;
using ActionGuard.Tokens;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Benchmarks.Infrastructure;

/// <summary>Keys, claims and a verifier shaped like the ones a guarded call of <see cref="IExporter"/> uses.</summary>
public static class TokenFixtures
{
    public const string ActionHash = "sha256:6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b";

    public const string RequestDigest = "sha256:d4735e3a265e16eee03f59718b9b5d03019c07d8b6c51f90da3a666eec13ab35";

    public static ECDsaSecurityKey CreateKey() =>
        new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "benchmark-key" };

    /// <summary>The claims the in-memory backend issues for an approval of <see cref="IExporter.ExportAsync"/>.</summary>
    internal static DecisionTokenClaims Claims(DateTimeOffset now, string jti)
    {
        var claims = new DecisionTokenClaims
        {
            Issuer = BenchmarkServices.Issuer,
            Audience = BenchmarkServices.AgentId,
            Subject = InstantApprovalClient.ApprovalId,
            Id = jti,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + TimeSpan.FromMinutes(2),
            ActionHash = ActionHash,
            RequestDigest = RequestDigest,
            Kind = "data_export",
            Name = "IExporter.ExportAsync",
            Verdict = "approved",
            KeyId = "benchmark-key",
        };
        claims.Approvers.Add(new ApprovalParty { Issuer = "https://idp.benchmark.test", Subject = "alice", Name = "Alice" });
        return claims;
    }

    internal static DecisionExpectation Expectation() =>
        new(InstantApprovalClient.ApprovalId, ActionHash, RequestDigest, "data_export", "IExporter.ExportAsync", BenchmarkServices.AgentId, null);

    /// <summary>The SDK's verifier, with its keys from <paramref name="client"/> and its clock at <paramref name="time"/>.</summary>
    /// <param name="signatureMaths"><see langword="false"/> for keys whose ES256 maths always succeeds (<see cref="NoSignatureMathKey"/>).</param>
    internal static DecisionTokenVerifier Verifier(InstantApprovalClient client, TimeProvider time, out JtiReplayCache replayCache, bool signatureMaths = true)
    {
        var options = Options.Create(new ActionGuardOptions { Endpoint = new Uri(BenchmarkServices.Issuer), AgentId = BenchmarkServices.AgentId });
        replayCache = new JtiReplayCache(time);
        var keys = signatureMaths
            ? new SigningKeyProvider(client, options, time, NullLogger<SigningKeyProvider>.Instance)
            : NoSignatureMathKey.Provider(client, options, time);
        return new DecisionTokenVerifier(keys, replayCache, options, time);
    }

    /// <summary>
    /// The replay cache's map, so a benchmark can forget the one token it verifies over and over; a lookup-and-remove
    /// costs tens of nanoseconds and allocates nothing.
    /// </summary>
    internal static ConcurrentDictionary<string, DateTimeOffset> UsedTokens(JtiReplayCache cache) =>
        (ConcurrentDictionary<string, DateTimeOffset>)typeof(JtiReplayCache)
            .GetField("_used", BindingFlags.Instance | BindingFlags.NonPublic)!
            .GetValue(cache)!;
}
