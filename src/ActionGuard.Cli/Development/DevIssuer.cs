using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Cli.Development;

/// <summary>
/// The development OIDC issuer of <c>serve --dev</c>: an ES256 key kept in <c>dev-issuer.json</c> in the data folder,
/// discovery and JWKS served by the server itself under <see cref="PathBase"/>, and approver tokens minted from the
/// same key by <c>dev token</c>. Insecure by design: whoever reads the file can be anyone.
/// </summary>
internal sealed class DevIssuer : IDisposable
{
    public const string FileName = "dev-issuer.json";
    public const string Audience = "actionguard-dev";
    public const string PathBase = "/dev/oidc";

    private readonly ECDsa _key;

    private DevIssuer(string issuer, string keyId, ECDsa key, string path)
    {
        Issuer = issuer;
        KeyId = keyId;
        _key = key;
        FilePath = path;
    }

    public string Issuer { get; }

    public string KeyId { get; }

    public string FilePath { get; }

    public static string IssuerFor(string baseUrl) => baseUrl.TrimEnd('/') + PathBase;

    /// <summary>Loads the key from <paramref name="dataDirectory"/> (creating it on first use) and records the current issuer.</summary>
    public static DevIssuer LoadOrCreate(string dataDirectory, string issuer)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        var existing = TryLoad(dataDirectory);
        var key = existing?._key ?? ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keyId = existing?.KeyId ?? "dev-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        Write(path, issuer, keyId, key);
        return new DevIssuer(issuer, keyId, key, path);
    }

    /// <summary>Reads <c>dev-issuer.json</c>; <see langword="null"/> when the folder has none.</summary>
    public static DevIssuer? TryLoad(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(Convert.FromBase64String(root.GetProperty("privateKey").GetString()!), out _);
            return new DevIssuer(root.GetProperty("issuer").GetString()!, root.GetProperty("keyId").GetString()!, key, path);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or CryptographicException)
        {
            throw new CliException(ExitCodes.Refused, $"error: {path} is not a valid development issuer file ({ex.Message}). Delete it and start 'actionguard serve --dev' again.");
        }
    }

    /// <summary>Serves discovery and JWKS for this issuer from the server's own endpoints.</summary>
    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        var discovery = Serialize(w =>
        {
            w.WriteStartObject();
            w.WriteString("issuer", Issuer);
            w.WriteString("jwks_uri", Issuer + "/jwks");
            w.WriteStartArray("id_token_signing_alg_values_supported");
            w.WriteStringValue("ES256");
            w.WriteEndArray();
            w.WriteStartArray("response_types_supported");
            w.WriteStringValue("id_token");
            w.WriteEndArray();
            w.WriteStartArray("subject_types_supported");
            w.WriteStringValue("public");
            w.WriteEndArray();
            w.WriteEndObject();
        });
        var parameters = _key.ExportParameters(false);
        var jwks = Serialize(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("keys");
            w.WriteStartObject();
            w.WriteString("kty", "EC");
            w.WriteString("crv", "P-256");
            w.WriteString("use", "sig");
            w.WriteString("alg", "ES256");
            w.WriteString("kid", KeyId);
            w.WriteString("x", Base64UrlEncoder.Encode(parameters.Q.X));
            w.WriteString("y", Base64UrlEncoder.Encode(parameters.Q.Y));
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
        endpoints.MapGet(PathBase + "/.well-known/openid-configuration", context => WriteJsonAsync(context, discovery));
        endpoints.MapGet(PathBase + "/jwks", context => WriteJsonAsync(context, jwks));
    }

    /// <summary>Mints an approver token: <c>iss</c>, <c>aud</c>, <c>sub</c>, lifetime, <c>groups</c>, optional name and email.</summary>
    public string MintToken(string subject, IReadOnlyList<string> groups, string? name, string? email, DateTimeOffset now, TimeSpan lifetime)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Iss] = Issuer,
            [JwtRegisteredClaimNames.Aud] = Audience,
            [JwtRegisteredClaimNames.Sub] = subject,
            [JwtRegisteredClaimNames.Jti] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            [JwtRegisteredClaimNames.Iat] = now.ToUnixTimeSeconds(),
            [JwtRegisteredClaimNames.Nbf] = now.ToUnixTimeSeconds(),
            [JwtRegisteredClaimNames.Exp] = (now + lifetime).ToUnixTimeSeconds(),
            ["groups"] = groups.ToArray(),
        };
        if (name is not null)
        {
            claims["name"] = name;
        }

        if (email is not null)
        {
            claims["email"] = email;
        }

        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };

        // The shared provider cache is keyed by key id; a cached provider would outlive this instance's disposed key.
        var signingKey = new ECDsaSecurityKey(_key) { KeyId = KeyId, CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false } };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.EcdsaSha256),
        });
    }

    public void Dispose() => _key.Dispose();

    private static void Write(string path, string issuer, string keyId, ECDsa key)
    {
        var json = Serialize(w =>
        {
            w.WriteStartObject();
            w.WriteString("warning", "ActionGuard development issuer key: anyone who can read this file can approve as anyone. Never use outside development.");
            w.WriteString("issuer", issuer);
            w.WriteString("audience", Audience);
            w.WriteString("keyId", keyId);
            w.WriteString("privateKey", Convert.ToBase64String(key.ExportPkcs8PrivateKey()));
            w.WriteEndObject();
        });
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(Encoding.UTF8.GetBytes(json));
    }

    private static string Serialize(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static Task WriteJsonAsync(HttpContext context, string json)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(json, context.RequestAborted);
    }

    internal static string FormatLifetime(TimeSpan lifetime) => lifetime.ToString("c", CultureInfo.InvariantCulture);
}
