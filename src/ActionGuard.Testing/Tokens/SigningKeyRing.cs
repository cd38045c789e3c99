using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Testing.Internal;

// Ephemeral P-256 keys: the newest signs, all stay published so tokens signed before a rotation still verify.
internal sealed class SigningKeyRing : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ECDsaSecurityKey> _keys = [];
    private bool _disposed;

    public SigningKeyRing()
    {
        _keys.Add(CreateKey());
    }

    public ECDsaSecurityKey Current
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _keys[^1];
            }
        }
    }

    public string Rotate()
    {
        var key = CreateKey();
        lock (_gate)
        {
            if (_disposed)
            {
                key.ECDsa.Dispose();
                throw new ObjectDisposedException(nameof(SigningKeyRing));
            }

            _keys.Add(key);
        }

        return key.KeyId;
    }

    public IReadOnlyList<string> KeyIds
    {
        get
        {
            lock (_gate)
            {
                return [.. _keys.Select(k => k.KeyId)];
            }
        }
    }

    public string ToJwks()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);

                // Newest first: a verifier that tries keys in order finds the current one at once.
                for (var i = _keys.Count - 1; i >= 0; i--)
                {
                    var key = _keys[i];
                    var parameters = key.ECDsa.ExportParameters(includePrivateParameters: false);
                    writer.WriteStartObject();
                    writer.WriteString("kty", "EC");
                    writer.WriteString("crv", "P-256");
                    writer.WriteString("x", Base64UrlEncoder.Encode(parameters.Q.X));
                    writer.WriteString("y", Base64UrlEncoder.Encode(parameters.Q.Y));
                    writer.WriteString("kid", key.KeyId);
                    writer.WriteString("use", "sig");
                    writer.WriteString("alg", SecurityAlgorithms.EcdsaSha256);
                    writer.WriteEndObject();
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var key in _keys)
            {
                key.ECDsa.Dispose();
            }
        }
    }

    private static ECDsaSecurityKey CreateKey()
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new ECDsaSecurityKey(ecdsa) { KeyId = "ag-test-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) };
    }
}
