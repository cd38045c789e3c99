namespace ActionGuard.Tokens;

/// <summary>
/// A public key from the backend's JWKS, converted once into a ready <c>ECDsa</c>/<c>RSA</c> instance. Verifications
/// lease it, so a key rotated out of the JWKS while a verification is using it is disposed only when that
/// verification is done; a verification that finds it already disposed is told so, and looks the key up again.
/// </summary>
internal abstract class VerificationKey
{
    // Verifications in progress, or Disposed once the crypto instance is gone; only the thread that moves it from
    // 0 to Disposed disposes, so the instance is disposed exactly once and never while leased.
    private const int Disposed = -1;
    private int _leases;
    private volatile bool _retired;

    protected VerificationKey(string keyId, JwsAlgorithm? declaredAlgorithm, string fingerprint)
    {
        KeyId = keyId;
        DeclaredAlgorithm = declaredAlgorithm;
        Fingerprint = fingerprint;
    }

    /// <summary>The JWK's <c>kid</c>.</summary>
    public string KeyId { get; }

    /// <summary>The JWK's <c>alg</c>, when it names one: the key then verifies only that algorithm.</summary>
    public JwsAlgorithm? DeclaredAlgorithm { get; }

    /// <summary>The JWK members that make up the key, so an unchanged key in a refetched JWKS keeps its instance.</summary>
    public string Fingerprint { get; }

    public bool IsDisposed => Volatile.Read(ref _leases) == Disposed;

    /// <summary>Whether this key may verify <paramref name="algorithm"/>: its type, curve and declared <c>alg</c> fit.</summary>
    public bool Accepts(JwsAlgorithm algorithm) =>
        algorithm != JwsAlgorithm.Unsupported && (DeclaredAlgorithm is null || DeclaredAlgorithm == algorithm) && FitsKey(algorithm);

    /// <summary>Checks <paramref name="signature"/> over <paramref name="data"/> with <paramref name="algorithm"/>.</summary>
    public KeyVerification Verify(JwsAlgorithm algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (!Accepts(algorithm) || signature.Length != SignatureLength(algorithm))
        {
            return KeyVerification.Invalid;
        }

        if (!TryLease())
        {
            return KeyVerification.KeyRetired;
        }

        try
        {
            return VerifySignature(algorithm, data, signature) ? KeyVerification.Valid : KeyVerification.Invalid;
        }
        finally
        {
            ReleaseLease();
        }
    }

    /// <summary>No longer published: disposed as soon as no verification uses it.</summary>
    public void Retire()
    {
        _retired = true;
        TryDispose();
    }

    /// <summary>Whether the key's type and size fit <paramref name="algorithm"/> (e.g. a P-256 curve for ES256).</summary>
    protected abstract bool FitsKey(JwsAlgorithm algorithm);

    /// <summary>The exact signature length <paramref name="algorithm"/> produces with this key.</summary>
    protected abstract int SignatureLength(JwsAlgorithm algorithm);

    /// <summary>The signature maths; called only with an accepted algorithm and a signature of the right length.</summary>
    protected abstract bool VerifySignature(JwsAlgorithm algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);

    /// <summary>Disposes the crypto instance; called once, when no verification holds a lease.</summary>
    protected abstract void DisposeKey();

    private bool TryLease()
    {
        while (true)
        {
            var leases = Volatile.Read(ref _leases);
            if (leases == Disposed)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _leases, leases + 1, leases) == leases)
            {
                return true;
            }
        }
    }

    private void ReleaseLease()
    {
        // Interlocked operations are full fences: a Retire whose dispose attempt saw this lease wrote _retired first,
        // so the last lease out always sees it.
        if (Interlocked.Decrement(ref _leases) == 0 && _retired)
        {
            TryDispose();
        }
    }

    private void TryDispose()
    {
        if (Interlocked.CompareExchange(ref _leases, Disposed, 0) == 0)
        {
            DisposeKey();
        }
    }
}
