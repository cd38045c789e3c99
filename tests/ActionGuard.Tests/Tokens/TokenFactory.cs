using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Tests.Tokens;

/// <summary>Signs decision tokens the way a backend does, with knobs to break each claim.</summary>
internal sealed class TokenFactory : IDisposable
{
    private readonly List<ECDsa> _keys = [];

    public TokenFactory(string keyId = "key-1")
    {
        Key = NewKey(keyId);
    }

    public ECDsaSecurityKey Key { get; private set; }

    public ECDsaSecurityKey NewKey(string keyId)
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _keys.Add(ecdsa);
        return new ECDsaSecurityKey(ecdsa) { KeyId = keyId };
    }

    public void Rotate(string keyId) => Key = NewKey(keyId);

    public static string Jwks(params ECDsaSecurityKey[] keys)
    {
        var jwks = keys.Select(k =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(k.ECDsa.ExportParameters(false))) { KeyId = k.KeyId });
            return new Dictionary<string, string?> { ["kty"] = jwk.Kty, ["crv"] = jwk.Crv, ["x"] = jwk.X, ["y"] = jwk.Y, ["kid"] = jwk.Kid, ["use"] = "sig", ["alg"] = "ES256" };
        });
        return JsonSerializer.Serialize(new { keys = jwks });
    }

    public string Sign(Dictionary<string, object> claims, SecurityKey? key = null, string algorithm = SecurityAlgorithms.EcdsaSha256)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(key ?? Key, algorithm),
        });
    }

    /// <summary>The request digest the default claims and test expectations share.</summary>
    public const string Request = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public static Dictionary<string, object> Claims(DateTimeOffset now, string approvalId = "apr_1", string hash = "sha256:abc", string request = Request) => new()
    {
        ["iss"] = "https://approvals.example.com",
        ["aud"] = "agent-1",
        ["sub"] = approvalId,
        ["jti"] = Guid.NewGuid().ToString("N"),
        ["iat"] = now.ToUnixTimeSeconds(),
        ["nbf"] = now.ToUnixTimeSeconds(),
        ["exp"] = now.AddMinutes(2).ToUnixTimeSeconds(),
        ["ag_hash"] = hash,
        ["ag_request"] = request,
        ["ag_kind"] = "data_export",
        ["ag_name"] = "Exporter.Export",
        ["ag_verdict"] = "approved",
        ["ag_approvers"] = new List<object> { new Dictionary<string, object> { ["iss"] = "https://idp.example.com/", ["sub"] = "alice", ["name"] = "Alice" } },
        ["ag_initiator"] = new Dictionary<string, object> { ["iss"] = "https://idp.example.com/", ["sub"] = "bob" },
    };

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }
}
