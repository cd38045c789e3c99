using System.Security.Cryptography;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Utils;

namespace ActionGuard.Hashing;

/// <summary>
/// The digest of an approval request as it was created: <c>"sha256:"</c> + lowercase hex SHA-256 of the canonical JSON
/// (RFC 8785, with every number kept exactly) of the whole <c>POST /v1/approvals</c> body. The backend signs it into the
/// decision token as <c>ag_request</c> and the agent compares it with the digest of the request it sent itself, so
/// every field the decision was made on — what the reviewer was shown and what policy matched — is bound to the token.
/// </summary>
internal static class RequestDigest
{
    /// <summary>The decision-token claim that carries the digest.</summary>
    public const string ClaimName = "ag_request";

    /// <summary>Gets <see cref="ClaimName"/> as UTF-8, for reading the claim without transcoding.</summary>
    internal static ReadOnlySpan<byte> ClaimNameUtf8 => "ag_request"u8;

    /// <summary>Computes the digest of a request body as received.</summary>
    /// <param name="body">The JSON object of the request.</param>
    /// <returns><c>sha256:</c> followed by 64 lowercase hex digits.</returns>
    /// <exception cref="ArgumentException">The body has no canonical form (a lone surrogate, a non-finite number).</exception>
    public static string Compute(JsonElement body)
    {
        using var buffer = PooledBufferWriter.Rent();
        var writer = new CanonicalJsonWriter(buffer);
        CanonicalJson.WriteElement(ref writer, body, exactNumbers: true);
        return Digest(buffer);
    }

    /// <summary>Computes the digest of a request as this SDK sends it: the same as <see cref="Compute(JsonElement)"/> of its body.</summary>
    /// <param name="request">The request.</param>
    /// <returns><c>sha256:</c> followed by 64 lowercase hex digits.</returns>
    public static string Compute(CreateApprovalRequest request)
    {
        Guard.NotNull(request);

        // Written from the request's wire contract directly: serializing the body and parsing it again cost 4 µs a call.
        using var buffer = PooledBufferWriter.Rent();
        var writer = new CanonicalJsonWriter(buffer);
        ContractCanonicalWriter.Write(ref writer, request, ApprovalJsonContext.Default.CreateApprovalRequest);
        return Digest(buffer);
    }

    private static string Digest(PooledBufferWriter canonical)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(canonical.WrittenSpan, hash);
        return "sha256:" + Convert.ToHexStringLower(hash);
    }
}
