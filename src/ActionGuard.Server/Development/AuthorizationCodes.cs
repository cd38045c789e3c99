using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Server.Development;

/// <summary>
/// The development provider's outstanding authorization codes, in memory: random, short-lived, redeemed at most once
/// (a code is removed by its first redemption, whether that succeeds or not), and few.
/// </summary>
internal sealed class AuthorizationCodes(TimeProvider timeProvider)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    public const int MaxOutstanding = 1000;

    private readonly ConcurrentDictionary<string, AuthorizationGrant> _grants = new(StringComparer.Ordinal);

    public DateTimeOffset NewExpiry() => timeProvider.GetUtcNow() + Lifetime;

    /// <summary>A new code for <paramref name="grant"/>; <see langword="null"/> when too many are outstanding.</summary>
    public string? Issue(AuthorizationGrant grant)
    {
        var now = timeProvider.GetUtcNow();
        foreach (var (code, outstanding) in _grants)
        {
            if (outstanding.ExpiresAt <= now)
            {
                _grants.TryRemove(code, out _);
            }
        }

        if (_grants.Count >= MaxOutstanding)
        {
            return null;
        }

        var issued = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        _grants[issued] = grant;
        return issued;
    }

    /// <summary>Removes <paramref name="code"/> and returns its grant when it has not expired.</summary>
    public AuthorizationGrant? Redeem(string code) =>
        _grants.TryRemove(code, out var grant) && timeProvider.GetUtcNow() < grant.ExpiresAt ? grant : null;
}
