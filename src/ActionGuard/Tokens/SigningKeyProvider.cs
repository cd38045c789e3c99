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
    private volatile KeySnapshot? _snapshot;

    public SigningKeyProvider(ApprovalClient client, IOptions<ActionGuardOptions> options, TimeProvider timeProvider, ILogger<SigningKeyProvider> logger)
    {
        _client = client;
        _timeProvider = timeProvider;
        _logger = logger;
        _refreshInterval = options.Value.SigningKeysRefreshInterval;
        _cacheDuration = options.Value.SigningKeysCacheDuration;
    }

    /// <summary>Returns the key with <paramref name="keyId"/>, or <see langword="null"/> when the backend does not publish it.</summary>
    public async ValueTask<SecurityKey?> GetKeyAsync(string keyId, CancellationToken cancellationToken)
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
                snapshot = await FetchAsync(cancellationToken).ConfigureAwait(false);
                _snapshot = snapshot;
            }

            return snapshot!.Keys.TryGetValue(keyId, out cached) ? cached : null;
        }
        finally
        {
            _fetchLock.Release();
        }
    }

    private async Task<KeySnapshot> FetchAsync(CancellationToken cancellationToken)
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

        var keys = new Dictionary<string, SecurityKey>(StringComparer.Ordinal);
        foreach (var key in set.Keys)
        {
            // Only asymmetric public keys can verify decision tokens; anything else in the set is ignored.
            if (!string.IsNullOrEmpty(key.Kid) && key.Kty is JsonWebAlgorithmsKeyTypes.EllipticCurve or JsonWebAlgorithmsKeyTypes.RSA
                && !key.HasPrivateKey)
            {
                keys[key.Kid] = key;
            }
        }

        GuardLog.SigningKeysFetched(_logger, keys.Count);
        return new KeySnapshot(keys, _timeProvider.GetUtcNow());
    }

    public void Dispose() => _fetchLock.Dispose();

    private sealed record KeySnapshot(Dictionary<string, SecurityKey> Keys, DateTimeOffset FetchedAt);
}
