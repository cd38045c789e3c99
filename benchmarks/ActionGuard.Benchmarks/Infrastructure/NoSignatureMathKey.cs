using ActionGuard.Tokens;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Benchmarks.Infrastructure;

/// <summary>
/// A signing key whose ES256 maths, and only its maths, is replaced: every 64-byte ES256 signature "verifies".
/// Everything around it still runs — JWS parsing, header checks, key lookup and lease, the algorithm, curve and
/// signature-length checks, the payload and every claim check, the replay cache — so a flow measured with it is the
/// SDK's cost without token crypto. Only the benchmark classes whose names say so install it, through
/// <see cref="Convert"/> as the <see cref="SigningKeyProvider"/>'s key converter.
/// </summary>
internal sealed class NoSignatureMathKey : VerificationKey
{
    private NoSignatureMathKey(string keyId, JwsAlgorithm? declaredAlgorithm, string fingerprint)
        : base(keyId, declaredAlgorithm, fingerprint)
    {
    }

    /// <summary>Converts a JWK as the SDK does (so a key the SDK would refuse is refused), then drops the real maths.</summary>
    public static VerificationKey? Convert(JsonWebKey jwk, string fingerprint)
    {
        var real = VerificationKeys.FromJsonWebKey(jwk, fingerprint);
        if (real is null || !real.Accepts(JwsAlgorithm.ES256))
        {
            real?.Retire();
            return null;
        }

        real.Retire();
        return new NoSignatureMathKey(jwk.Kid, real.DeclaredAlgorithm, fingerprint);
    }

    /// <summary>A provider over <paramref name="client"/> whose keys have no signature maths.</summary>
    public static SigningKeyProvider Provider(Client.ApprovalClient client, Microsoft.Extensions.Options.IOptions<ActionGuardOptions> options, TimeProvider time) =>
        new(client, options, time, Microsoft.Extensions.Logging.Abstractions.NullLogger<SigningKeyProvider>.Instance, Convert);

    protected override bool FitsKey(JwsAlgorithm algorithm) => algorithm == JwsAlgorithm.ES256;

    protected override int SignatureLength(JwsAlgorithm algorithm) => 64;

    protected override bool VerifySignature(JwsAlgorithm algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => true;

    protected override void DisposeKey()
    {
    }
}
