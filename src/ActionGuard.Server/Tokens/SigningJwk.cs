using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace ActionGuard.Server.Tokens;

/// <summary>The one JSON form of the server's public P-256 signing keys (RFC 7517), for JWKS documents and audit checkpoints.</summary>
internal static class SigningJwk
{
    public static void Write(Utf8JsonWriter writer, string keyId, ECDsa key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        writer.WriteStartObject();
        writer.WriteString("kty", "EC");
        writer.WriteString("crv", "P-256");
        writer.WriteString("x", Base64Url.EncodeToString(parameters.Q.X));
        writer.WriteString("y", Base64Url.EncodeToString(parameters.Q.Y));
        writer.WriteString("kid", keyId);
        writer.WriteString("use", "sig");
        writer.WriteString("alg", "ES256");
        writer.WriteEndObject();
    }
}
