using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Server.Web;

/// <summary>
/// What a sign-in must find again at the callback: the state, the nonce the id token must carry, the PKCE verifier
/// and where to return. It travels in a data-protected cookie, so the browser can neither read nor change it.
/// </summary>
internal sealed class SignInState
{
    private const string Purpose = "ActionGuard.Server.Web.SignInState.v1";

    public required string State { get; init; }

    public required string Nonce { get; init; }

    public required string Verifier { get; init; }

    public required string ReturnPath { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public static SignInState Create(string returnPath, DateTimeOffset expiresAt) => new()
    {
        State = Pkce.NewRandom(),
        Nonce = Pkce.NewRandom(),
        Verifier = Pkce.NewRandom(),
        ReturnPath = returnPath,
        ExpiresAt = expiresAt,
    };

    public string Protect(IDataProtectionProvider provider)
    {
        var text = string.Join(
            '.',
            State,
            Nonce,
            Verifier,
            Base64UrlEncoder.Encode(ReturnPath),
            ExpiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        return Base64UrlEncoder.Encode(provider.CreateProtector(Purpose).Protect(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Reads a cookie written by <see cref="Protect"/>; <see langword="null"/> when it was changed, is foreign or is malformed.</summary>
    public static SignInState? Unprotect(IDataProtectionProvider provider, string? cookie)
    {
        if (string.IsNullOrEmpty(cookie))
        {
            return null;
        }

        string text;
        try
        {
            text = Encoding.UTF8.GetString(provider.CreateProtector(Purpose).Unprotect(Base64UrlEncoder.DecodeBytes(cookie)));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            return null;
        }

        var parts = text.Split('.');
        if (parts.Length != 5 || !long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return null;
        }

        return new SignInState
        {
            State = parts[0],
            Nonce = parts[1],
            Verifier = parts[2],
            ReturnPath = Base64UrlEncoder.Decode(parts[3]),
            ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(expires),
        };
    }

    /// <summary>Compares the <c>state</c> that came back with the one sent, in constant time.</summary>
    public bool StateMatches(string? state) =>
        state is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(state), Encoding.UTF8.GetBytes(State));
}
