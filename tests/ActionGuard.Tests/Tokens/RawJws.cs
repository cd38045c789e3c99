using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ActionGuard.Tests.Tokens;

/// <summary>Writes compact JWS by hand, so a test controls every header byte and the signature.</summary>
internal static class RawJws
{
    public static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    public static string Sign(string headerJson, Dictionary<string, object> claims, Func<byte[], byte[]> sign) =>
        SignPayload(headerJson, JsonSerializer.Serialize(claims), sign);

    public static string SignPayload(string headerJson, string payloadJson, Func<byte[], byte[]> sign)
    {
        var input = Encode(headerJson) + "." + Encode(payloadJson);
        return input + "." + Base64Url.EncodeToString(sign(Encoding.ASCII.GetBytes(input)));
    }

    public static Func<byte[], byte[]> Es(ECDsa key, HashAlgorithmName hash) => data => key.SignData(data, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public static Func<byte[], byte[]> Rs(RSA key, RSASignaturePadding padding) => data => key.SignData(data, HashAlgorithmName.SHA256, padding);

    public static string EcJwk(ECDsa key, string kid, string crv, string? alg = null)
    {
        var q = key.ExportParameters(false).Q;
        return Jwk(new() { ["kty"] = "EC", ["crv"] = crv, ["x"] = Base64Url.EncodeToString(q.X), ["y"] = Base64Url.EncodeToString(q.Y), ["kid"] = kid, ["use"] = "sig", ["alg"] = alg });
    }

    public static string RsaJwk(RSA key, string kid, string? alg = null)
    {
        var p = key.ExportParameters(false);
        return Jwk(new() { ["kty"] = "RSA", ["n"] = Base64Url.EncodeToString(p.Modulus), ["e"] = Base64Url.EncodeToString(p.Exponent), ["kid"] = kid, ["use"] = "sig", ["alg"] = alg });
    }

    public static string Jwks(params string[] jwks) => "{\"keys\":[" + string.Join(',', jwks) + "]}";

    private static string Jwk(Dictionary<string, string?> members) =>
        JsonSerializer.Serialize(members.Where(m => m.Value is not null).ToDictionary(m => m.Key, m => m.Value));
}
