using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Server.Development;

/// <summary>
/// The development OIDC issuer of development mode (<c>actionguard serve --dev</c>, the samples): an ES256 key kept in
/// <see cref="FileName"/> in the data folder, with discovery, JWKS, a sign-in form and a token endpoint served by the
/// server itself under <see cref="PathBase"/>. Insecure by design: whoever reads the key file, or opens the sign-in
/// form, can be anyone. The server trusts it only in development mode, which listens on loopback addresses only
/// (<see cref="DevelopmentModeServiceCollectionExtensions.AddActionGuardDevelopmentMode"/>).
/// </summary>
public sealed class DevelopmentIssuer : IDisposable
{
    /// <summary>The key file's name in the data folder.</summary>
    public const string FileName = "dev-issuer.json";

    /// <summary>The audience of development tokens, and the client id of the review page in development mode.</summary>
    public const string Audience = "actionguard-dev";

    /// <summary>Where the issuer's endpoints are on the server.</summary>
    public const string PathBase = "/dev/oidc";

    private readonly ECDsa _key;

    private DevelopmentIssuer(string issuer, string keyId, ECDsa key, string path)
    {
        Issuer = issuer;
        KeyId = keyId;
        _key = key;
        FilePath = path;
    }

    /// <summary>Gets the issuer name (<c>iss</c>): the server's address and <see cref="PathBase"/>.</summary>
    public string Issuer { get; }

    /// <summary>Gets the key id (<c>kid</c>) of the signing key.</summary>
    public string KeyId { get; }

    /// <summary>Gets the key file's full path.</summary>
    public string FilePath { get; }

    /// <summary>Gets the issuer name for a server at <paramref name="serverAddress"/>.</summary>
    /// <param name="serverAddress">The server's base address, for example <c>http://127.0.0.1:5080/</c>.</param>
    /// <returns>The issuer name, for example <c>http://127.0.0.1:5080/dev/oidc</c>.</returns>
    public static string IssuerFor(Uri serverAddress)
    {
        ArgumentNullException.ThrowIfNull(serverAddress);
        return serverAddress.GetLeftPart(UriPartial.Authority) + PathBase;
    }

    /// <summary>
    /// Loads the key from <paramref name="dataDirectory"/>, creating it (readable by the current user only) on first
    /// use, and records <paramref name="issuer"/> as the current issuer name in the file.
    /// </summary>
    /// <param name="dataDirectory">The server's data folder.</param>
    /// <param name="issuer">The issuer name, from <see cref="IssuerFor"/>.</param>
    /// <returns>The issuer; dispose it to release the key.</returns>
    /// <exception cref="InvalidDataException">The folder holds a key file that cannot be read.</exception>
    public static DevelopmentIssuer LoadOrCreate(string dataDirectory, string issuer)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        using var existing = TryLoad(dataDirectory);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (existing is not null)
        {
            key.ImportParameters(existing._key.ExportParameters(includePrivateParameters: true));
        }

        var keyId = existing?.KeyId ?? "dev-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        Write(path, issuer, keyId, key);
        return new DevelopmentIssuer(issuer, keyId, key, path);
    }

    /// <summary>Reads the key file of <paramref name="dataDirectory"/>; <see langword="null"/> when the folder has none.</summary>
    /// <param name="dataDirectory">The server's data folder.</param>
    /// <returns>The issuer as last recorded by the server, or <see langword="null"/>.</returns>
    /// <exception cref="InvalidDataException">The key file cannot be read; the message names it.</exception>
    public static DevelopmentIssuer? TryLoad(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        ECDsa? key = null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(Convert.FromBase64String(Required(root, "privateKey")), out _);
            var issuer = new DevelopmentIssuer(Required(root, "issuer"), Required(root, "keyId"), key, path);
            key = null;
            return issuer;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or CryptographicException)
        {
            throw new InvalidDataException($"{path} is not a valid development issuer file ({ex.Message}).", ex);
        }
        finally
        {
            key?.Dispose();
        }
    }

    /// <summary>Mints a person's token: <c>iss</c>, <c>aud</c> (<see cref="Audience"/>), <c>sub</c>, lifetime, <c>groups</c>, optional name and e-mail.</summary>
    /// <param name="subject">The person's subject (<c>sub</c>).</param>
    /// <param name="groups">The person's groups (<c>groups</c>).</param>
    /// <param name="name">The display name (<c>name</c>), or <see langword="null"/>.</param>
    /// <param name="email">The e-mail address (<c>email</c>), or <see langword="null"/>.</param>
    /// <param name="now">The issue time.</param>
    /// <param name="lifetime">How long the token is valid.</param>
    /// <returns>The signed JWT.</returns>
    public string MintToken(string subject, IReadOnlyList<string> groups, string? name, string? email, DateTimeOffset now, TimeSpan lifetime)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentNullException.ThrowIfNull(groups);
        return Sign(NewClaims(subject, Audience, groups, name, email, now, lifetime));
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();

    /// <summary>The standard claims of a token from this issuer.</summary>
    internal Dictionary<string, object> NewClaims(string subject, string audience, IReadOnlyList<string> groups, string? name, string? email, DateTimeOffset now, TimeSpan lifetime)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Iss] = Issuer,
            [JwtRegisteredClaimNames.Aud] = audience,
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

        return claims;
    }

    internal string Sign(Dictionary<string, object> claims)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };

        // The shared provider cache is keyed by key id; a cached provider would outlive this instance's disposed key.
        var signingKey = new ECDsaSecurityKey(_key) { KeyId = KeyId, CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false } };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>The public key as a JWK Set.</summary>
    internal string JwksJson()
    {
        return Serialize(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("keys");
            Tokens.SigningJwk.Write(w, KeyId, _key);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>The discovery document: the authorization code flow with PKCE (S256) for a public client.</summary>
    internal string DiscoveryJson() => Serialize(w =>
    {
        w.WriteStartObject();
        w.WriteString("issuer", Issuer);
        w.WriteString("authorization_endpoint", Issuer + "/authorize");
        w.WriteString("token_endpoint", Issuer + "/token");
        w.WriteString("jwks_uri", Issuer + "/jwks");
        WriteArray(w, "id_token_signing_alg_values_supported", "ES256");
        WriteArray(w, "response_types_supported", "code");
        WriteArray(w, "grant_types_supported", "authorization_code");
        WriteArray(w, "subject_types_supported", "public");
        WriteArray(w, "code_challenge_methods_supported", "S256");
        WriteArray(w, "token_endpoint_auth_methods_supported", "none");
        WriteArray(w, "scopes_supported", "openid", "profile", "email");
        WriteArray(w, "claims_supported", "iss", "sub", "aud", "exp", "iat", "nonce", "name", "groups");
        w.WriteEndObject();
    });

    internal static string Serialize(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Required(JsonElement root, string name) =>
        root.GetProperty(name).GetString() is { Length: > 0 } value ? value : throw new FormatException($"'{name}' is empty");

    private static void WriteArray(Utf8JsonWriter writer, string name, params string[] values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

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
}
