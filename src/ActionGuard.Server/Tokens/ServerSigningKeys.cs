using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ActionGuard.Server.Store;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Server.Tokens;

/// <summary>
/// The ES256 keys that sign decision tokens. A key is created on first start and stored; a key older than
/// <see cref="ActionGuardServerOptions.KeyRotationInterval"/> is replaced at start (or by <see cref="RotateAsync"/>),
/// and a retired key stays published until every token it signed has expired. Several instances may share one store:
/// each re-reads the keys at most <see cref="SigningRefreshInterval"/> before signing and
/// <see cref="PublishRefreshInterval"/> before publishing, so a rotation on one instance reaches the others well within
/// the minute a retired key stays published beyond its tokens' lifetime.
/// </summary>
internal sealed class ServerSigningKeys : IDisposable
{
    private readonly ISigningKeyStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ActionGuardServerOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile KeySet _keys = new([], null);
    private long _loadedAt;

    /// <summary>How stale the keys may be when a token is signed.</summary>
    public static readonly TimeSpan SigningRefreshInterval = TimeSpan.FromSeconds(30);

    /// <summary>How stale the keys may be when the key set is published.</summary>
    public static readonly TimeSpan PublishRefreshInterval = TimeSpan.FromSeconds(5);

    public ServerSigningKeys(ISigningKeyStore store, IOptions<ActionGuardServerOptions> options, TimeProvider timeProvider)
    {
        _store = store;
        _timeProvider = timeProvider;
        _options = options.Value;
    }

    /// <summary>Gets the key that signs new tokens.</summary>
    public ECDsaSecurityKey Current => _keys.Current ?? throw new InvalidOperationException("The signing keys are not loaded.");

    /// <summary>Gets the ids of every loaded key, oldest first.</summary>
    public IReadOnlyList<string> KeyIds => [.. _keys.Entries.Select(e => e.Stored.KeyId)];

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        var newest = _keys.Entries.Count == 0 ? null : _keys.Entries[^1];
        if (newest is null || _timeProvider.GetUtcNow() - newest.Stored.CreatedAt >= _options.KeyRotationInterval)
        {
            await RotateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Re-reads the keys from the store when they were loaded longer than <paramref name="maxAge"/> ago. A store fault
    /// keeps the keys already loaded: they are still valid, and signing must not fail because a refresh did.
    /// </summary>
    public async ValueTask RefreshAsync(TimeSpan maxAge, CancellationToken cancellationToken = default)
    {
        if (_timeProvider.GetElapsedTime(Volatile.Read(ref _loadedAt)) < maxAge)
        {
            return;
        }

        try
        {
            await LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RefreshFailed?.Invoke(ex);
        }
    }

    /// <summary>Raised when a refresh could not read the store (the loaded keys stay in use).</summary>
    public event Action<Exception>? RefreshFailed;

    /// <summary>Creates a new signing key; the previous one is retired but stays published while its tokens live.</summary>
    public async Task<string> RotateAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var kid = "ag-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
            var stored = new StoredSigningKey(kid, _timeProvider.GetUtcNow(), null, Convert.ToBase64String(ecdsa.ExportPkcs8PrivateKey()));
            await _store.AddSigningKeyAsync(stored, cancellationToken).ConfigureAwait(false);
            await LoadLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        return _keys.Current!.KeyId;
    }

    /// <summary>The JSON Web Key Set: public keys of the current key and of retired keys whose tokens may still be live.</summary>
    public string GetJwks()
    {
        var now = _timeProvider.GetUtcNow();

        // A token signed just before retirement lives TokenLifetime; the SDK allows up to a minute of clock skew on top.
        var keep = _options.TokenLifetime + TimeSpan.FromMinutes(1);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            var entries = _keys.Entries;
            for (var i = entries.Count - 1; i >= 0; i--)
            {
                var entry = entries[i];
                if (entry.Stored.RetiredAt is { } retired && now >= retired + keep)
                {
                    continue;
                }

                SigningJwk.Write(writer, entry.Stored.KeyId, entry.Key.ECDsa);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public void Dispose()
    {
        foreach (var entry in _keys.Entries)
        {
            entry.Key.ECDsa.Dispose();
        }

        _gate.Dispose();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LoadLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task LoadLockedAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.GetSigningKeysAsync(cancellationToken).ConfigureAwait(false);
        var old = _keys;
        var entries = new List<KeyEntry>(stored.Count);
        foreach (var key in stored)
        {
            var existing = old.Entries.FirstOrDefault(e => e.Stored.KeyId == key.KeyId);
            if (existing is not null)
            {
                entries.Add(existing with { Stored = key });
                continue;
            }

            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(key.PrivateKeyPkcs8), out _);
            entries.Add(new KeyEntry(key, new ECDsaSecurityKey(ecdsa) { KeyId = key.KeyId }));
        }

        var current = entries.LastOrDefault(e => e.Stored.RetiredAt is null) ?? entries.LastOrDefault();
        _keys = new KeySet(entries, current?.Key);
        Volatile.Write(ref _loadedAt, _timeProvider.GetTimestamp());
    }

    private sealed record KeyEntry(StoredSigningKey Stored, ECDsaSecurityKey Key);

    private sealed record KeySet(IReadOnlyList<KeyEntry> Entries, ECDsaSecurityKey? Current);
}
