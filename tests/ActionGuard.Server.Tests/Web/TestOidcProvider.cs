using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Server.Tests.Web;

// An OpenID Connect provider on 127.0.0.1 for the review page: discovery, an authorize endpoint with a login form where
// the test types the user, a token endpoint that checks the PKCE S256 verifier (and the client secret when set), an
// RS256-signed id token, and JWKS. Knobs let tests make it misbehave.
public sealed class TestOidcProvider : IAsyncDisposable
{
    public const string ClientId = "actionguard-review";
    public const string ApiAudience = "actionguard-api";

    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key;
    private readonly ConcurrentDictionary<string, Grant> _grants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string[]> _groups = new(StringComparer.Ordinal);

    private TestOidcProvider(WebApplication app, RsaSecurityKey key, string issuer)
    {
        _app = app;
        _key = key;
        Issuer = issuer;
    }

    public string Issuer { get; }

    /// <summary>When set, the token endpoint requires this secret (Basic or form).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>When set, id tokens carry this nonce instead of the one asked for.</summary>
    public string? NonceOverride { get; set; }

    /// <summary>When set, id tokens are issued for this audience instead of the client.</summary>
    public string? AudienceOverride { get; set; }

    private int _pkceFailures;

    /// <summary>How many token requests failed the PKCE check.</summary>
    public int PkceFailures => Volatile.Read(ref _pkceFailures);

    /// <summary>The form of the last token request, for tests that look at what the server sent.</summary>
    public IReadOnlyDictionary<string, string> LastTokenRequest { get; private set; } = new Dictionary<string, string>();

    public string? LastTokenAuthorization { get; private set; }

    public void SetGroups(string user, params string[] groups) => _groups[user] = groups;

    public static async Task<TestOidcProvider> StartAsync()
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa-" + Guid.NewGuid().ToString("N")[..8] };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        TestOidcProvider? provider = null;
        app.MapGet("/.well-known/openid-configuration", () => provider!.Discovery());
        app.MapGet("/jwks", () => provider!.Jwks());
        app.MapGet("/authorize", (HttpContext c) => provider!.Authorize(c));
        app.MapPost("/login", (Delegate)((HttpContext c) => provider!.LoginAsync(c)));
        app.MapPost("/token", (Delegate)((HttpContext c) => provider!.TokenAsync(c)));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        provider = new TestOidcProvider(app, key, address.TrimEnd('/'));
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Rsa.Dispose();
    }

    private IResult Discovery() => Results.Text(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = Issuer + "/authorize",
        ["token_endpoint"] = Issuer + "/token",
        ["jwks_uri"] = Issuer + "/jwks",
        ["response_types_supported"] = new[] { "code" },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        ["code_challenge_methods_supported"] = new[] { "S256" },
        ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post", "none" },
    }), "application/json");

    private IResult Jwks()
    {
        var p = _key.Rsa.ExportParameters(false);
        var jwk = new Dictionary<string, string>
        {
            ["kty"] = "RSA", ["kid"] = _key.KeyId, ["use"] = "sig", ["alg"] = "RS256",
            ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent),
        };
        return Results.Text(JsonSerializer.Serialize(new { keys = new[] { jwk } }), "application/json");
    }

    private static readonly string[] AuthorizeParameters = ["client_id", "redirect_uri", "state", "nonce", "code_challenge", "code_challenge_method", "scope", "response_type"];

    // The login form: the test (or the browser) types the user name and presses "Sign in".
    private IResult Authorize(HttpContext context)
    {
        var q = context.Request.Query;
        if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]))
        {
            return Results.BadRequest("invalid authorization request");
        }

        var html = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><title>Test IdP sign-in</title></head><body><main><h1>Test IdP</h1><form method=\"post\" action=\"/login\">");
        foreach (var name in AuthorizeParameters)
        {
            html.Append("<input type=\"hidden\" name=\"").Append(name).Append("\" value=\"").Append(HtmlEncoder.Default.Encode(q[name].ToString())).Append("\">");
        }

        html.Append("<label for=\"username\">Username</label><input id=\"username\" name=\"username\" autocomplete=\"username\">");
        html.Append("<button type=\"submit\">Sign in</button></form></main></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    private async Task<IResult> LoginAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var user = form["username"].ToString();
        if (user.Length == 0 || form["client_id"] != ClientId)
        {
            return Results.BadRequest("no user");
        }

        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        _grants[code] = new Grant(user, form["redirect_uri"].ToString(), form["nonce"].ToString(), form["code_challenge"].ToString());
        var redirect = form["redirect_uri"] + "?code=" + Uri.EscapeDataString(code) + "&state=" + Uri.EscapeDataString(form["state"].ToString());
        return Results.Redirect(redirect);
    }

    private async Task<IResult> TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        LastTokenRequest = form.ToDictionary(f => f.Key, f => f.Value.ToString());
        LastTokenAuthorization = context.Request.Headers.Authorization.ToString();
        if (form["grant_type"] != "authorization_code" || form["client_id"] != ClientId)
        {
            return Error("invalid_request");
        }

        if (ClientSecret is not null && !SecretMatches(context, form))
        {
            return Error("invalid_client", 401);
        }

        if (!_grants.TryRemove(form["code"].ToString(), out var grant) || grant.RedirectUri != form["redirect_uri"])
        {
            return Error("invalid_grant");
        }

        var verifier = form["code_verifier"].ToString();
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        if (verifier.Length < 43 || challenge != grant.Challenge)
        {
            Interlocked.Increment(ref _pkceFailures);
            return Error("invalid_grant");
        }

        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["sub"] = grant.User,
            ["aud"] = AudienceOverride ?? ClientId,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
            ["nonce"] = NonceOverride ?? grant.Nonce,
            ["name"] = char.ToUpperInvariant(grant.User[0]) + grant.User[1..],
            ["email"] = grant.User + "@example.com",
            ["groups"] = _groups.TryGetValue(grant.User, out var groups) ? groups : Array.Empty<string>(),
        };
        var idToken = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
        return Results.Text(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["access_token"] = "opaque-" + Guid.NewGuid().ToString("N"),
            ["token_type"] = "Bearer",
            ["expires_in"] = 300,
            ["id_token"] = idToken,
        }), "application/json");
    }

    private bool SecretMatches(HttpContext context, IFormCollection form)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2);
            return pair.Length == 2 && Uri.UnescapeDataString(pair[0]) == ClientId && Uri.UnescapeDataString(pair[1]) == ClientSecret;
        }

        return form["client_secret"] == ClientSecret;
    }

    private static IResult Error(string error, int status = 400) =>
        Results.Text(JsonSerializer.Serialize(new { error }), "application/json", statusCode: status);

    private sealed record Grant(string User, string RedirectUri, string Nonce, string Challenge);
}
