using System.Diagnostics.CodeAnalysis;
using ActionGuard.Client;
using ActionGuard.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Tokens;

/// <summary>
/// Caches the backend's decision-token signing keys (JWKS). An unknown <c>kid</c> triggers one refetch: each unknown
/// <c>kid</c> once, and beyond that at most once per <see cref="ActionGuardOptions.SigningKeysRefreshInterval"/>, so a
/// rotated key is picked up at once while a stream of forged <c>kid</c>s cannot make the SDK hammer the backend.
/// </summary>
internal sealed class SigningKeyProvider : IDisposable
{
    private readonly ApprovalClient _client;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TimeSpan _refreshInterval;
    private readonly TimeSpan _cacheDuration;
    private readonly SemaphoreSlim _fetchLock = new(1, 1);
    private const int MaxRememberedMisses = 16;

    private readonly HashSet<string> _refetchedFor = new(StringComparer.Ordinal);
    private readonly Func<JsonWebKey, string, VerificationKey?> _convert;
    private volatile KeySnapshot? _snapshot;
    private int _disposed;

    public SigningKeyProvider(ApprovalClient client, IOptions<ActionGuardOptions> options, TimeProvider timeProvider, ILogger<SigningKeyProvider> logger)
        : this(client, options, timeProvider, logger, VerificationKeys.FromJsonWebKey)
    {
    }

    // convert turns a JWK and its fingerprint into a key; the benchmarks stub the signature maths there.
    internal SigningKeyProvider(
        ApprovalClient client,
        IOptions<ActionGuardOptions> options,
        TimeProvider timeProvider,
        ILogger<SigningKeyProvider> logger,
        Func<JsonWebKey, string, VerificationKey?> convert)
    {
        _convert = convert;
        _client = client;
        _timeProvider = timeProvider;
        _logger = logger;
        _refreshInterval = options.Value.SigningKeysRefreshInterval;
        _cacheDuration = options.Value.SigningKeysCacheDuration;
    }

    /// <summary>
    /// The key with <paramref name="keyId"/> when the cached JWKS is fresh and has it, without allocating; otherwise
    /// <see langword="false"/>, and <see cref="GetKeyAsync"/> decides whether to fetch.
    /// </summary>
    public bool TryGetCachedKey(ReadOnlySpan<char> keyId, [NotNullWhen(true)] out VerificationKey? key)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && _timeProvider.GetUtcNow() < snapshot.FetchedAt + _cacheDuration)
        {
            return snapshot.ById.TryGetValue(keyId, out key);
        }

        key = null;
        return false;
    }

    /// <summary>Returns the key with <paramref name="keyId"/>, or <see langword="null"/> when the backend does not publish it.</summary>
    public async ValueTask<VerificationKey?> GetKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        var now = _timeProvider.GetUtcNow();
        if (snapshot is not null && now < snapshot.FetchedAt + _cacheDuration && snapshot.Keys.TryGetValue(keyId, out var cached))
        {
            return cached;
        }

        await _fetchLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            snapshot = _snapshot;
            now = _timeProvider.GetUtcNow();
            var stale = snapshot is null || now >= snapshot.FetchedAt + _cacheDuration;
            var intervalPassed = snapshot is null || now >= snapshot.FetchedAt + _refreshInterval;
            if (intervalPassed)
            {
                _refetchedFor.Clear();
            }

            var mayRefetch = intervalPassed || (_refetchedFor.Count < MaxRememberedMisses && _refetchedFor.Add(keyId));
            if (snapshot is not null && !stale && snapshot.Keys.TryGetValue(keyId, out cached))
            {
                return cached;
            }

            if (stale || mayRefetch)
            {
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
                var previous = snapshot;
                snapshot = await FetchAsync(previous, cancellationToken).ConfigureAwait(false);
                _snapshot = snapshot;
                RetireReplaced(previous, snapshot);
            }

            return snapshot!.Keys.TryGetValue(keyId, out cached) ? cached : null;
        }
        finally
        {
            _fetchLock.Release();
        }
    }

    private async Task<KeySnapshot> FetchAsync(KeySnapshot? previous, CancellationToken cancellationToken)
    {
        var json = await _client.GetSigningKeysAsync(cancellationToken).ConfigureAwait(false);
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json);
        }
        catch (ArgumentException ex)
        {
            throw new ApprovalBackendUnavailableException("The backend's signing keys (JWKS) are not a valid key set.", null, ex);
        }

        var keys = new Dictionary<string, VerificationKey>(StringComparer.Ordinal);
        foreach (var jwk in set.Keys)
        {
            // Only asymmetric public signing keys can verify decision tokens; anything else in the set is ignored.
            if (string.IsNullOrEmpty(jwk.Kid) || jwk.Kty is not (JsonWebAlgorithmsKeyTypes.EllipticCurve or JsonWebAlgorithmsKeyTypes.RSA) || jwk.HasPrivateKey)
            {
                continue;
            }

            // An unchanged key keeps its instance: converting is costly, and verifications may be using it.
            var fingerprint = VerificationKeys.Fingerprint(jwk);
            var key = previous is not null && previous.Keys.TryGetValue(jwk.Kid, out var known) && !known.IsDisposed
                && string.Equals(known.Fingerprint, fingerprint, StringComparison.Ordinal)
                ? known
                : _convert(jwk, fingerprint);
            if (key is null)
            {
                continue;
            }

            if (keys.TryGetValue(jwk.Kid, out var duplicate) && !ReferenceEquals(duplicate, key))
            {
                // The last entry with a kid wins, as before; the one it replaces was converted here and is unused.
                RetireIfNew(duplicate, previous);
            }

            keys[jwk.Kid] = key;
        }

        GuardLog.SigningKeysFetched(_logger, keys.Count);
        return new KeySnapshot(keys, _timeProvider.GetUtcNow());
    }

    // Keys of the old set that the new one does not carry over are disposed once no verification leases them; a
    // verification that comes too late is told the key is retired and looks it up again in the new set.
    private static void RetireReplaced(KeySnapshot? previous, KeySnapshot current)
    {
        if (previous is null)
        {
            return;
        }

        foreach (var key in previous.Keys.Values)
        {
            if (!current.Keys.TryGetValue(key.KeyId, out var kept) || !ReferenceEquals(kept, key))
            {
                key.Retire();
            }
        }
    }

    private static void RetireIfNew(VerificationKey key, KeySnapshot? previous)
    {
        if (previous is null || !previous.Keys.TryGetValue(key.KeyId, out var known) || !ReferenceEquals(known, key))
        {
            key.Retire();
        }
    }

    /// <summary>Retires every key: each is disposed once the verifications using it are done.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // A fetch in progress publishes its set first, so no key it converts escapes retirement. The semaphore has no
        // wait handle, so it holds nothing to dispose, and leaving it undisposed lets a late caller fail cleanly below.
        _fetchLock.Wait();
        try
        {
            foreach (var key in _snapshot?.Keys.Values ?? Enumerable.Empty<VerificationKey>())
            {
                key.Retire();
            }
        }
        finally
        {
            _fetchLock.Release();
        }
    }

    private sealed class KeySnapshot(Dictionary<string, VerificationKey> keys, DateTimeOffset fetchedAt)
    {
        public Dictionary<string, VerificationKey> Keys { get; } = keys;

        public Dictionary<string, VerificationKey>.AlternateLookup<ReadOnlySpan<char>> ById { get; } = keys.GetAlternateLookup<ReadOnlySpan<char>>();

        public DateTimeOffset FetchedAt { get; } = fetchedAt;
    }
}
