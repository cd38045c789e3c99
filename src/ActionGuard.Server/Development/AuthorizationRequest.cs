using Microsoft.AspNetCore.Http;

namespace ActionGuard.Server.Development;

/// <summary>
/// An authorization request of the review page (RFC 6749 4.1.1 with PKCE, RFC 7636), read from the authorize query and
/// carried through the sign-in form in hidden fields, so the POST is checked exactly like the GET.
/// </summary>
internal sealed record AuthorizationRequest(
    string ResponseType,
    string ClientId,
    string RedirectUri,
    string Scope,
    string State,
    string Nonce,
    string CodeChallenge,
    string CodeChallengeMethod)
{
    private const int MaxLength = 2048;

    /// <summary>The parameter names, in the order the form carries them.</summary>
    public static readonly string[] Names = ["response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge", "code_challenge_method"];

    public static AuthorizationRequest Read(Func<string, string> get) => new(
        get("response_type"), get("client_id"), get("redirect_uri"), get("scope"), get("state"), get("nonce"), get("code_challenge"), get("code_challenge_method"));

    public IEnumerable<(string Name, string Value)> Fields()
    {
        string[] values = [ResponseType, ClientId, RedirectUri, Scope, State, Nonce, CodeChallenge, CodeChallengeMethod];
        return Names.Zip(values);
    }

    /// <summary>Why the request cannot be served, or <see langword="null"/>. Nothing is redirected on failure: the callback is not trusted yet.</summary>
    public string? Problem(HttpContext context)
    {
        if (Fields().Any(f => f.Value.Length > MaxLength))
        {
            return "A parameter is too long.";
        }

        if (!string.Equals(ClientId, DevelopmentIssuer.Audience, StringComparison.Ordinal))
        {
            return $"The client '{ClientId}' is unknown: the development sign-in serves only the review page's development client '{DevelopmentIssuer.Audience}'.";
        }

        if (!IsOwnCallback(context, RedirectUri))
        {
            return "The redirect_uri is not this server's review page callback on a loopback address.";
        }

        if (!string.Equals(ResponseType, "code", StringComparison.Ordinal))
        {
            return "Only response_type=code (the authorization code flow) is supported.";
        }

        if (!Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("openid", StringComparer.Ordinal))
        {
            return "The scope must include openid.";
        }

        if (!string.Equals(CodeChallengeMethod, "S256", StringComparison.Ordinal) || !IsBase64Url(CodeChallenge, 43, 43))
        {
            return "A PKCE code_challenge with code_challenge_method=S256 is required.";
        }

        if (State.Length == 0)
        {
            return "The state parameter is required.";
        }

        return null;
    }

    /// <summary>RFC 7636 4.1: 43 to 128 unreserved characters.</summary>
    public static bool IsValidVerifier(string verifier) =>
        verifier.Length is >= 43 and <= 128 && verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    // The callback of the review page on this very server (same port), reached on a loopback address: codes never leave it.
    private static bool IsOwnCallback(HttpContext context, string redirectUri) =>
        Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri)
        && DevelopmentMode.IsLoopback(uri)
        && uri.Port == context.Connection.LocalPort
        && string.IsNullOrEmpty(uri.Query)
        && string.IsNullOrEmpty(uri.Fragment)
        && string.Equals(uri.AbsolutePath, context.Request.PathBase.Add(new PathString("/review/callback")).ToUriComponent(), StringComparison.Ordinal);

    private static bool IsBase64Url(string value, int min, int max) =>
        value.Length >= min && value.Length <= max && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
