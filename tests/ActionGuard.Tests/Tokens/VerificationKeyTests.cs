using ActionGuard.Tokens;

namespace ActionGuard.Tests.Tokens;

public sealed class VerificationKeyTests
{
    [Fact]
    public void A_key_retired_while_a_verification_uses_it_is_disposed_only_when_that_verification_ends()
    {
        var key = new ProbeKey();
        key.During = () =>
        {
            key.Retire();
            Assert.Equal(0, key.Disposals);
        };

        Assert.Equal(KeyVerification.Valid, key.Verify(JwsAlgorithm.ES256, [1], new byte[64]));
        Assert.Equal(1, key.Disposals);

        // Too late: the verifier is told so, and looks the key up again.
        Assert.Equal(KeyVerification.KeyRetired, key.Verify(JwsAlgorithm.ES256, [1], new byte[64]));
        key.Retire();
        Assert.Equal(1, key.Disposals);
    }

    [Fact]
    public void A_key_retired_while_unused_is_disposed_at_once_and_only_once()
    {
        var key = new ProbeKey();
        key.Retire();
        key.Retire();
        Assert.Equal(1, key.Disposals);
        Assert.True(key.IsDisposed);
    }

    [Fact]
    public void Concurrent_verifications_and_a_retirement_never_use_a_disposed_key()
    {
        for (var round = 0; round < 200; round++)
        {
            var key = new ProbeKey();
            key.During = () => Assert.Equal(0, key.Disposals);
            var results = new KeyVerification[8];
            Parallel.For(0, results.Length + 1, i =>
            {
                if (i == results.Length)
                {
                    key.Retire();
                }
                else
                {
                    results[i] = key.Verify(JwsAlgorithm.ES256, [1], new byte[64]);
                }
            });

            Assert.Equal(1, key.Disposals);
            Assert.All(results, r => Assert.NotEqual(KeyVerification.Invalid, r));
        }
    }

    [Fact]
    public void A_signature_of_the_wrong_length_or_algorithm_is_invalid_without_the_maths()
    {
        var key = new ProbeKey();
        Assert.Equal(KeyVerification.Invalid, key.Verify(JwsAlgorithm.ES256, [1], new byte[63]));
        Assert.Equal(KeyVerification.Invalid, key.Verify(JwsAlgorithm.ES384, [1], new byte[64]));
        Assert.Equal(0, key.Calls);
    }

    private sealed class ProbeKey() : VerificationKey("probe", null, "probe")
    {
        private int _disposals;
        private int _calls;

        public Action? During { get; set; }

        public int Disposals => Volatile.Read(ref _disposals);

        public int Calls => Volatile.Read(ref _calls);

        protected override bool FitsKey(JwsAlgorithm algorithm) => algorithm == JwsAlgorithm.ES256;

        protected override int SignatureLength(JwsAlgorithm algorithm) => 64;

        protected override bool VerifySignature(JwsAlgorithm algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
        {
            Interlocked.Increment(ref _calls);
            During?.Invoke();
            return true;
        }

        protected override void DisposeKey() => Interlocked.Increment(ref _disposals);
    }
}
