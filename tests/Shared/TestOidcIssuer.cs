using System.Net;
using System.Security.Cryptography;
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

namespace ActionGuard.TestSupport;

// A real OIDC issuer on 127.0.0.1: discovery document and JWKS over HTTP, and tokens signed with its ES256 key.
public sealed class TestOidcIssuer : IAsyncDisposable
{
    public const string Audience = "actionguard-api";

    private readonly WebApplication _app;
    private readonly ECDsaSecurityKey _key;

    private TestOidcIssuer(WebApplication app, ECDsaSecurityKey key, string issuer)
    {
        _app = app;
        _key = key;
        Issuer = issuer;
    }

    public string Issuer { get; }

    public static async Task<TestOidcIssuer> StartAsync()
    {
        var key = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "idp-" + Guid.NewGuid().ToString("N")[..8] };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        string? issuer = null;
        app.MapGet("/.well-known/openid-configuration", (HttpContext c) => Results.Text(
            JsonSerializer.Serialize(new Dictionary<string, string> { ["issuer"] = issuer!, ["jwks_uri"] = issuer + "/jwks" }),
            "application/json"));
        app.MapGet("/jwks", () =>
        {
            var p = key.ECDsa.ExportParameters(false);
            var jwk = new Dictionary<string, string>
            {
                ["kty"] = "EC", ["crv"] = "P-256", ["kid"] = key.KeyId, ["use"] = "sig", ["alg"] = "ES256",
                ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
            };
            return Results.Text(JsonSerializer.Serialize(new { keys = new[] { jwk } }), "application/json");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        issuer = address.TrimEnd('/');
        return new TestOidcIssuer(app, key, issuer);
    }

    public string IssueToken(
        string subject,
        string? name = null,
        IEnumerable<string>? groups = null,
        string audience = Audience,
        DateTimeOffset? now = null,
        TimeSpan? lifetime = null,
        string? issuer = null,
        SecurityKey? signWith = null,
        IReadOnlyDictionary<string, object>? extraClaims = null)
    {
        var at = now ?? DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = issuer ?? Issuer,
            ["sub"] = subject,
            ["aud"] = audience,
            ["iat"] = at.ToUnixTimeSeconds(),
            ["nbf"] = at.ToUnixTimeSeconds(),
            ["exp"] = (at + (lifetime ?? TimeSpan.FromMinutes(10))).ToUnixTimeSeconds(),
        };
        if (name is not null)
        {
            claims["name"] = name;
        }

        if (groups is not null)
        {
            claims["groups"] = groups.ToArray();
        }

        foreach (var (type, value) in extraClaims ?? new Dictionary<string, object>())
        {
            claims[type] = value;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(signWith ?? _key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.ECDsa.Dispose();
    }
}
