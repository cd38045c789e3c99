using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Tokens;

/// <summary>Turns the JWKS entries that can verify decision tokens into <see cref="VerificationKey"/>s.</summary>
internal static class VerificationKeys
{
    /// <summary>RSA keys shorter than this are not trusted to sign anything.</summary>
    public const int MinimumRsaKeySize = 2048;

    /// <summary>The members that define the key; two JWKs with the same fingerprint are the same key.</summary>
    public static string Fingerprint(JsonWebKey jwk) =>
        string.Join('|', jwk.Kty, jwk.Crv, jwk.X, jwk.Y, jwk.N, jwk.E, jwk.Alg, jwk.Use);

    /// <summary>
    /// The key <paramref name="jwk"/> describes, or <see langword="null"/> when it is not a public EC (P-256/384/521)
    /// or RSA (≥ 2048 bits) signing key, or its <c>alg</c> is not a supported JWS algorithm for that key.
    /// </summary>
    public static VerificationKey? FromJsonWebKey(JsonWebKey jwk, string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(jwk);
        if (string.IsNullOrEmpty(jwk.Kid) || jwk.HasPrivateKey || (!string.IsNullOrEmpty(jwk.Use) && !string.Equals(jwk.Use, "sig", StringComparison.Ordinal)))
        {
            return null;
        }

        JwsAlgorithm? declared = null;
        if (!string.IsNullOrEmpty(jwk.Alg))
        {
            declared = JwsAlgorithms.Parse(jwk.Alg);
            if (declared == JwsAlgorithm.Unsupported)
            {
                return null;
            }
        }

        try
        {
            VerificationKey? key = jwk.Kty switch
            {
                JsonWebAlgorithmsKeyTypes.EllipticCurve => Ecdsa(jwk, declared, fingerprint),
                JsonWebAlgorithmsKeyTypes.RSA => Rsa(jwk, declared, fingerprint),
                _ => null,
            };
            if (key is not null && declared is { } alg && !key.Accepts(alg))
            {
                key.Retire();
                return null;
            }

            return key;
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            // A member that is not base64url, or a point that is not on the curve: not a key.
            return null;
        }
    }

    private static EcdsaVerificationKey? Ecdsa(JsonWebKey jwk, JwsAlgorithm? declared, string fingerprint)
    {
        (ECCurve curve, JwsAlgorithm algorithm, int size) = jwk.Crv switch
        {
            JsonWebKeyECTypes.P256 => (ECCurve.NamedCurves.nistP256, JwsAlgorithm.ES256, 32),
            JsonWebKeyECTypes.P384 => (ECCurve.NamedCurves.nistP384, JwsAlgorithm.ES384, 48),
            JsonWebKeyECTypes.P521 => (ECCurve.NamedCurves.nistP521, JwsAlgorithm.ES512, 66),
            _ => (default(ECCurve), JwsAlgorithm.Unsupported, 0),
        };
        if (algorithm == JwsAlgorithm.Unsupported || string.IsNullOrEmpty(jwk.X) || string.IsNullOrEmpty(jwk.Y))
        {
            return null;
        }

        var x = Base64Url.DecodeFromChars(jwk.X);
        var y = Base64Url.DecodeFromChars(jwk.Y);
        if (x.Length != size || y.Length != size)
        {
            return null;
        }

        // ECDsa.Create validates the point: one off the curve throws CryptographicException.
        var ecdsa = System.Security.Cryptography.ECDsa.Create(new ECParameters { Curve = curve, Q = new ECPoint { X = x, Y = y } });
        return new EcdsaVerificationKey(jwk.Kid, declared, fingerprint, ecdsa, algorithm, size);
    }

    private static RsaVerificationKey? Rsa(JsonWebKey jwk, JwsAlgorithm? declared, string fingerprint)
    {
        if (string.IsNullOrEmpty(jwk.N) || string.IsNullOrEmpty(jwk.E))
        {
            return null;
        }

        var rsa = System.Security.Cryptography.RSA.Create();
        try
        {
            rsa.ImportParameters(new RSAParameters { Modulus = Base64Url.DecodeFromChars(jwk.N), Exponent = Base64Url.DecodeFromChars(jwk.E) });
            if (rsa.KeySize < MinimumRsaKeySize)
            {
                rsa.Dispose();
                return null;
            }

            return new RsaVerificationKey(jwk.Kid, declared, fingerprint, rsa);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }
}
