using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using ActionGuard.Hashing;

namespace ActionGuard.Server.Audit;

/// <summary>
/// A signed tree head of the audit log: the Merkle root (<see cref="AuditTree"/>) of its first <see cref="Size"/>
/// records, when and by which server it was taken, signed with the server's ES256 key over the RFC 8785 canonical JSON
/// of <c>{at, issuer, kid, root, size}</c> (IEEE P1363 signature, base64url). The public key travels with it, so a
/// checkpoint saved outside the database can be checked anywhere, later, without the server.
/// </summary>
internal sealed record AuditCheckpoint(long Size, string Root, string At, string Issuer, string KeyId, string Signature, JsonElement Jwk)
{
    public static AuditCheckpoint Sign(long size, byte[] root, DateTimeOffset at, string issuer, string keyId, ECDsa key)
    {
        var jwk = Element(w => Tokens.SigningJwk.Write(w, keyId, key));
        var unsigned = new AuditCheckpoint(size, Convert.ToHexStringLower(root), AuditChain.FormatTime(at), issuer, keyId, string.Empty, jwk);
        var signature = key.SignData(unsigned.SignedBytes(), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return unsigned with { Signature = Base64Url.EncodeToString(signature) };
    }

    /// <summary>Reads a checkpoint as <see cref="Write"/> writes it; the message says which member is wrong.</summary>
    public static AuditCheckpoint Read(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("A checkpoint must be a JSON object.");
        }

        var size = element.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var n) && n >= 0
            ? n
            : throw new FormatException("The checkpoint's 'size' must be a whole number of records.");
        var root = Text(element, "root");
        if (root.Length != 64 || !root.All(char.IsAsciiHexDigitLower))
        {
            throw new FormatException("The checkpoint's 'root' must be 64 lowercase hex digits.");
        }

        if (!element.TryGetProperty("jwk", out var jwk) || jwk.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("The checkpoint has no 'jwk' object (the public key it was signed with).");
        }

        return new AuditCheckpoint(size, root, Text(element, "at"), Text(element, "issuer"), Text(element, "kid"), Text(element, "signature"), jwk.Clone());
    }

    public byte[] RootBytes() => Convert.FromHexString(Root);

    /// <summary>Whether the signature verifies with the key the checkpoint carries and that key is the one it names.</summary>
    public bool HasValidSignature()
    {
        try
        {
            if (Text(Jwk, "kty") != "EC" || Text(Jwk, "crv") != "P-256" || Text(Jwk, "kid") != KeyId)
            {
                return false;
            }

            using var key = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = Base64Url.DecodeFromChars(Text(Jwk, "x")), Y = Base64Url.DecodeFromChars(Text(Jwk, "y")) },
            });
            return key.VerifyData(SignedBytes(), Base64Url.DecodeFromChars(Signature), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("size", Size);
        writer.WriteString("root", Root);
        writer.WriteString("at", At);
        writer.WriteString("issuer", Issuer);
        writer.WriteString("kid", KeyId);
        writer.WriteString("signature", Signature);
        writer.WritePropertyName("jwk");
        Jwk.WriteTo(writer);
        writer.WriteEndObject();
    }

    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private byte[] SignedBytes() => CanonicalJson.Serialize(Element(w =>
    {
        w.WriteStartObject();
        w.WriteString("at", At);
        w.WriteString("issuer", Issuer);
        w.WriteString("kid", KeyId);
        w.WriteString("root", Root);
        w.WriteNumber("size", Size);
        w.WriteEndObject();
    }));

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"The checkpoint's '{name}' must be a string."));

    private static JsonElement Element(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
