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

namespace ActionGuard.Server.LoadTest.Infrastructure;

// An OIDC issuer on 127.0.0.1 in the driver process: discovery and JWKS over HTTP, approver tokens signed with ES256.
internal sealed class TestIssuer : IAsyncDisposable
{
    public const string Audience = "actionguard-load";

    private readonly WebApplication _app;
    private readonly ECDsaSecurityKey _key;

    private TestIssuer(WebApplication app, ECDsaSecurityKey key, string issuer)
    {
        _app = app;
        _key = key;
        Issuer = issuer;
    }

    public string Issuer { get; }

    public static async Task<TestIssuer> StartAsync()
    {
        var key = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "load-" + Guid.NewGuid().ToString("N")[..8] };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        string? issuer = null;
        app.MapGet("/.well-known/openid-configuration", () => Results.Text(
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
            return Results.Text(JsonSerializer.Serialize(new Dictionary<string, object> { ["keys"] = new[] { jwk } }), "application/json");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        issuer = address.TrimEnd('/');
        return new TestIssuer(app, key, issuer);
    }

    public string IssueToken(string subject, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>
            {
                ["iss"] = Issuer,
                ["sub"] = subject,
                ["aud"] = Audience,
                ["name"] = subject,
                ["iat"] = now.ToUnixTimeSeconds(),
                ["nbf"] = now.ToUnixTimeSeconds(),
                ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
            },
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.ECDsa.Dispose();
    }
}
