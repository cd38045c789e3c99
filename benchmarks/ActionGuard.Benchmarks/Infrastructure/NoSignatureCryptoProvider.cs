using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Benchmarks.Infrastructure;

/// <summary>
/// Replaces the ES256 math, and only the math, in <see cref="CryptoProviderFactory.Default"/>: every signature
/// "verifies". Everything around it still runs — JWT parsing, key lookup, algorithm and claim checks, the replay
/// cache — so a flow measured with it is the SDK's cost without token crypto. Installed only by the benchmark classes
/// whose names say so; BenchmarkDotNet runs every benchmark in its own process, so it cannot leak into the others.
/// </summary>
public sealed class NoSignatureCryptoProvider : ICryptoProvider
{
    private static readonly StubSignatureProvider Provider = new();

    public static void Install() => CryptoProviderFactory.Default.CustomCryptoProvider = new NoSignatureCryptoProvider();

    public static void Uninstall() => CryptoProviderFactory.Default.CustomCryptoProvider = null;

    public bool IsSupportedAlgorithm(string algorithm, params object[] args) =>
        string.Equals(algorithm, SecurityAlgorithms.EcdsaSha256, StringComparison.Ordinal);

    public object Create(string algorithm, params object[] args) => Provider;

    public void Release(object cryptoInstance)
    {
    }

    private sealed class StubSignatureProvider : SignatureProvider
    {
        private static readonly byte[] Signature = new byte[64];

        public StubSignatureProvider()
            : base(new SymmetricSecurityKey(new byte[32]), SecurityAlgorithms.EcdsaSha256)
        {
        }

        public override byte[] Sign(byte[] input) => Signature;

        public override byte[] Sign(byte[] input, int offset, int count) => Signature;

        public override bool Sign(ReadOnlySpan<byte> input, Span<byte> signature, out int bytesWritten)
        {
            Signature.CopyTo(signature);
            bytesWritten = Signature.Length;
            return true;
        }

        public override bool Verify(byte[] input, byte[] signature) => true;

        public override bool Verify(byte[] input, int inputOffset, int inputLength, byte[] signature, int signatureOffset, int signatureLength) => true;

        protected override void Dispose(bool disposing)
        {
        }
    }
}
