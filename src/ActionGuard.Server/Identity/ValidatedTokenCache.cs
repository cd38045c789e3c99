using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace ActionGuard.Server.Identity;

/// <summary>
/// People whose bearer token was validated, by the token's SHA-256, so an approver's token is checked once (signature,
/// issuer, audience, lifetime) rather than on every request. An entry never outlives the token's own expiry, nor
/// <see cref="MaxAge"/>: an identity provider that drops its signing key is followed within that time. Bounded: when
/// full it starts over.
/// </summary>
internal sealed class ValidatedTokenCache(TimeProvider timeProvider)
{
    /// <summary>How long a validated token is trusted without being validated again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>How many tokens are remembered at most.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (Caller Caller, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    /// <summary>Gets the person a token proved, while it is still within its lifetime and <see cref="MaxAge"/>.</summary>
    public bool TryGet(string token, out Caller caller)
    {
        var key = Key(token);
        if (_entries.TryGetValue(key, out var entry))
        {
            if (timeProvider.GetUtcNow() < entry.Until)
            {
                caller = entry.Caller;
                return true;
            }

            _entries.TryRemove(key, out _);
        }

        caller = null!;
        return false;
    }

    /// <summary>Remembers a token just validated, until <paramref name="expires"/> at the latest.</summary>
    public void Add(string token, Caller caller, DateTimeOffset expires)
    {
        var until = timeProvider.GetUtcNow() + MaxAge;
        if (expires < until)
        {
            until = expires;
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[Key(token)] = (caller, until);
    }

    /// <summary>Gets how many tokens are remembered; for tests.</summary>
    internal int Count => _entries.Count;

    private static string Key(string token) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
