using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DataPreprocessingAgent.Backend;

/// <summary>
/// A local OIDC issuer for the demo's people (approver, auditor, initiator), the same as <c>actionguard serve --dev</c>:
/// discovery and JWKS under <c>/dev/oidc</c> on the server itself, the key in <c>dev-issuer.json</c> in the data folder,
/// so <c>actionguard dev token --data-dir &lt;folder&gt;</c> mints tokens it accepts. Insecure by design: whoever reads
/// the file can approve as anyone. It only ever listens on loopback, in a temporary folder.
/// </summary>
public sealed class DevelopmentIssuer : IDisposable
{
    /// <summary>The audience of the tokens, as the CLI's development mode uses it.</summary>
    public const string Audience = "actionguard-dev";

    private const string PathBase = "/dev/oidc";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _keyId = "dev-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>Creates the issuer for a server at <paramref name="baseAddress"/> and writes its key file.</summary>
    public DevelopmentIssuer(Uri baseAddress, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        Issuer = baseAddress.AbsoluteUri.TrimEnd('/') + PathBase;
        Directory.CreateDirectory(dataDirectory);
        var file = new JsonObject
        {
            ["warning"] = "ActionGuard development issuer key: anyone who can read this file can approve as anyone. Never use outside development.",
            ["issuer"] = Issuer,
            ["audience"] = Audience,
            ["keyId"] = _keyId,
            ["privateKey"] = Convert.ToBase64String(_key.ExportPkcs8PrivateKey()),
        };
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(Path.Combine(dataDirectory, "dev-issuer.json"), options);
        JsonSerializer.Serialize(stream, file);
    }

    /// <summary>Gets the issuer name (<c>iss</c>), which contains the server's address.</summary>
    public string Issuer { get; }

    /// <summary>Gets the discovery document's address.</summary>
    public string MetadataAddress => Issuer + "/.well-known/openid-configuration";

    /// <summary>Serves discovery and JWKS from the server's own endpoints.</summary>
    public void MapEndpoints(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var publicKey = _key.ExportParameters(includePrivateParameters: false);
        var discovery = new JsonObject
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = Issuer + "/jwks",
            ["id_token_signing_alg_values_supported"] = new JsonArray("ES256"),
            ["response_types_supported"] = new JsonArray("id_token"),
            ["subject_types_supported"] = new JsonArray("public"),
        }.ToJsonString();
        var jwks = new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "EC",
                ["crv"] = "P-256",
                ["use"] = "sig",
                ["alg"] = "ES256",
                ["kid"] = _keyId,
                ["x"] = Base64UrlEncoder.Encode(publicKey.Q.X),
                ["y"] = Base64UrlEncoder.Encode(publicKey.Q.Y),
            }),
        }.ToJsonString();
        app.MapGet(PathBase + "/.well-known/openid-configuration", () => Results.Text(discovery, "application/json"));
        app.MapGet(PathBase + "/jwks", () => Results.Text(jwks, "application/json"));
    }

    /// <summary>Mints a person's token: what an identity provider would issue after sign-in.</summary>
    public string MintToken(string subject, string name, params string[] groups)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Iss] = Issuer,
            [JwtRegisteredClaimNames.Aud] = Audience,
            [JwtRegisteredClaimNames.Sub] = subject,
            [JwtRegisteredClaimNames.Jti] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            [JwtRegisteredClaimNames.Iat] = now.ToUnixTimeSeconds(),
            [JwtRegisteredClaimNames.Nbf] = now.ToUnixTimeSeconds(),
            [JwtRegisteredClaimNames.Exp] = now.AddHours(1).ToUnixTimeSeconds(),
            ["name"] = name,
            ["groups"] = groups,
        };
        var signingKey = new ECDsaSecurityKey(_key) { KeyId = _keyId, CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false } };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();
}
