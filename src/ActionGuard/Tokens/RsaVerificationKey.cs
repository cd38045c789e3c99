using System.Security.Cryptography;

namespace ActionGuard.Tokens;

/// <summary>An RSA public key (at least 2048 bits) verifying RS256/384/512 (PKCS #1 v1.5) and PS256/384/512 (PSS).</summary>
internal sealed class RsaVerificationKey : VerificationKey
{
    private readonly RSA _rsa;
    private readonly int _signatureLength;

    // rsa is owned (disposed) by this instance.
    public RsaVerificationKey(string keyId, JwsAlgorithm? declaredAlgorithm, string fingerprint, RSA rsa)
        : base(keyId, declaredAlgorithm, fingerprint)
    {
        _rsa = rsa;
        _signatureLength = (rsa.KeySize + 7) / 8;
    }

    protected override bool FitsKey(JwsAlgorithm algorithm) => JwsAlgorithms.IsRsa(algorithm);

    protected override int SignatureLength(JwsAlgorithm algorithm) => _signatureLength;

    protected override bool VerifySignature(JwsAlgorithm algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        // PSS with a salt as long as the hash, as RFC 7518 §3.5 specifies and .NET's RSASignaturePadding.Pss uses.
        var padding = algorithm is JwsAlgorithm.PS256 or JwsAlgorithm.PS384 or JwsAlgorithm.PS512 ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        return _rsa.VerifyData(data, signature, JwsAlgorithms.Hash(algorithm), padding);
    }

    protected override void DisposeKey() => _rsa.Dispose();
}
