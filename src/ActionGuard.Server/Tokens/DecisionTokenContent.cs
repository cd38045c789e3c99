using System.Buffers;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Tokens;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Server.Tokens;

/// <summary>
/// The claims of one decision token before it is signed: built from a claimed record (<see cref="For"/>), open to
/// <see cref="IDecisionTokenHook"/>s, then written (<see cref="Write"/>). A <see langword="null"/> claim is left out.
/// </summary>
internal sealed class DecisionTokenContent
{
    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    public string? Subject { get; set; }

    public string? Id { get; set; }

    public DateTimeOffset? IssuedAt { get; set; }

    public DateTimeOffset? NotBefore { get; set; }

    public DateTimeOffset? Expires { get; set; }

    public string? ActionHash { get; set; }

    public string? RequestDigest { get; set; }

    public string? Kind { get; set; }

    public string? Name { get; set; }

    public string? Verdict { get; set; }

    public IList<ApprovalParty> Approvers { get; } = new List<ApprovalParty>();

    public bool OmitApprovers { get; set; }

    public ApprovalParty? Initiator { get; set; }

    /// <summary>Claims written as they are, replacing any of the same name.</summary>
    public IDictionary<string, object> AdditionalClaims { get; } = new Dictionary<string, object>(StringComparer.Ordinal);

    /// <summary>Credentials that sign instead of the backend's current key (their <c>kid</c> and <c>alg</c> go in the header).</summary>
    public SigningCredentials? SignWith { get; set; }

    /// <summary>The header's <c>kid</c> when the backend's key signs: that key's id unless changed.</summary>
    public string? KeyId { get; set; }

    /// <summary>Every claim of the protocol for a claimed, approved record.</summary>
    public static DecisionTokenContent For(ApprovalRecord record, string issuer, DateTimeOffset now, TimeSpan lifetime, string? keyId)
    {
        var content = new DecisionTokenContent
        {
            Issuer = issuer,
            Audience = record.AgentId,
            Subject = record.Id,
            Id = record.TokenId ?? throw new InvalidOperationException("The approval has not been claimed."),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            ActionHash = record.ActionHash,
            RequestDigest = record.RequestHash,
            Kind = record.Action.Kind,
            Name = record.Action.Name,
            Verdict = DecisionClaims.Approved,
            Initiator = record.Initiator,
            KeyId = keyId,
        };

        // The record is approved as soon as its threshold is met, so every approval on it is one that met it.
        foreach (var decision in record.Decisions)
        {
            if (decision.Verdict == ApprovalVerdict.Approve)
            {
                content.Approvers.Add(decision.Approver);
            }
        }

        return content;
    }

    /// <summary>Signs the claims with <paramref name="backendKey"/> (or <see cref="SignWith"/>) as an ES256 compact JWS.</summary>
    public string Write(ECDsaSecurityKey backendKey)
    {
        var credentials = SignWith ?? new SigningCredentials(KeyWithId(backendKey, KeyId), SecurityAlgorithms.EcdsaSha256);

        // Everything goes through Claims, none through the descriptor's typed properties: those take precedence and are
        // sanity-checked (exp after nbf), which would stop a hook from writing the broken token it exists to write.
        var payload = new Dictionary<string, object>(StringComparer.Ordinal);
        AddIfSet(payload, JwtRegisteredClaimNames.Iss, Issuer);
        AddIfSet(payload, JwtRegisteredClaimNames.Aud, Audience);
        AddIfSet(payload, JwtRegisteredClaimNames.Sub, Subject);
        AddIfSet(payload, JwtRegisteredClaimNames.Jti, Id);
        AddIfSet(payload, JwtRegisteredClaimNames.Iat, IssuedAt?.ToUnixTimeSeconds());
        AddIfSet(payload, JwtRegisteredClaimNames.Nbf, NotBefore?.ToUnixTimeSeconds());
        AddIfSet(payload, JwtRegisteredClaimNames.Exp, Expires?.ToUnixTimeSeconds());
        AddIfSet(payload, DecisionClaims.ActionHash, ActionHash);
        AddIfSet(payload, DecisionClaims.Request, RequestDigest);
        AddIfSet(payload, DecisionClaims.Kind, Kind);
        AddIfSet(payload, DecisionClaims.Name, Name);
        AddIfSet(payload, DecisionClaims.Verdict, Verdict);
        if (!OmitApprovers)
        {
            payload[DecisionClaims.Approvers] = Json(w =>
            {
                w.WriteStartArray();
                foreach (var approver in Approvers)
                {
                    DecisionClaims.WriteParty(w, approver, withName: true);
                }

                w.WriteEndArray();
            });
        }

        if (Initiator is { } initiator)
        {
            payload[DecisionClaims.Initiator] = Json(w => DecisionClaims.WriteParty(w, initiator, withName: false));
        }

        foreach (var (name, value) in AdditionalClaims)
        {
            payload[name] = value;
        }

        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = payload,
            SigningCredentials = credentials,
            TokenType = "JWT",
        });
    }

    private static ECDsaSecurityKey KeyWithId(ECDsaSecurityKey key, string? keyId) =>
        string.Equals(key.KeyId, keyId, StringComparison.Ordinal) ? key : new ECDsaSecurityKey(key.ECDsa) { KeyId = keyId };

    private static void AddIfSet(Dictionary<string, object> payload, string name, object? value)
    {
        if (value is not null)
        {
            payload[name] = value;
        }
    }

    // JsonElement values are written as raw JSON; dictionaries and lists would round-trip less predictably.
    private static JsonElement Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
