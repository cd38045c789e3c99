using System.Security.Cryptography;

namespace ActionGuard.Tokens;

/// <summary>An EC public key on P-256, P-384 or P-521, verifying ES256, ES384 or ES512 respectively, and nothing else.</summary>
internal sealed class EcdsaVerificationKey : VerificationKey
{
    private readonly ECDsa _ecdsa;
    private readonly JwsAlgorithm _algorithm;
    private readonly int _signatureLength;

    // ecdsa is owned (disposed) by this instance; algorithm is the only one its curve verifies; fieldSize is the
    // curve's coordinate size in bytes (32, 48 or 66).
    public EcdsaVerificationKey(string keyId, JwsAlgorithm? declaredAlgorithm, string fingerprint, ECDsa ecdsa, JwsAlgorithm algorithm, int fieldSize)
        : base(keyId, declaredAlgorithm, fingerprint)
    {
        _ecdsa = ecdsa;
        _algorithm = algorithm;
        _signatureLength = 2 * fieldSize;
    }

    protected override bool FitsKey(JwsAlgorithm algorithm) => algorithm == _algorithm;

    protected override int SignatureLength(JwsAlgorithm algorithm) => _signatureLength;

    protected override bool VerifySignature(JwsAlgorithm algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        _ecdsa.VerifyData(data, signature, JwsAlgorithms.Hash(algorithm), DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    protected override void DisposeKey() => _ecdsa.Dispose();
}
