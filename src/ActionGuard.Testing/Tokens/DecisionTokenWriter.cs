using System.Buffers;
using System.Text.Json;
using ActionGuard.Tokens;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Testing.Internal;

internal static class DecisionTokenWriter
{
    public static string Write(DecisionTokenClaims claims, ECDsaSecurityKey backendKey)
    {
        var credentials = claims.SignWith ?? new SigningCredentials(KeyWithId(backendKey, claims.KeyId), SecurityAlgorithms.EcdsaSha256);

        // Everything goes through Claims, none through the descriptor's typed properties: those take precedence and are
        // sanity-checked (exp after nbf), which would stop hooks from writing the broken tokens they exist to write.
        var payload = new Dictionary<string, object>(StringComparer.Ordinal);
        AddIfSet(payload, JwtRegisteredClaimNames.Iss, claims.Issuer);
        AddIfSet(payload, JwtRegisteredClaimNames.Aud, claims.Audience);
        AddIfSet(payload, JwtRegisteredClaimNames.Sub, claims.Subject);
        AddIfSet(payload, JwtRegisteredClaimNames.Jti, claims.Id);
        AddIfSet(payload, JwtRegisteredClaimNames.Iat, claims.IssuedAt?.ToUnixTimeSeconds());
        AddIfSet(payload, JwtRegisteredClaimNames.Nbf, claims.NotBefore?.ToUnixTimeSeconds());
        AddIfSet(payload, JwtRegisteredClaimNames.Exp, claims.Expires?.ToUnixTimeSeconds());
        AddIfSet(payload, DecisionClaims.ActionHash, claims.ActionHash);
        AddIfSet(payload, DecisionClaims.Request, claims.RequestDigest);
        AddIfSet(payload, DecisionClaims.Kind, claims.Kind);
        AddIfSet(payload, DecisionClaims.Name, claims.Name);
        AddIfSet(payload, DecisionClaims.Verdict, claims.Verdict);
        if (!claims.OmitApprovers)
        {
            payload[DecisionClaims.Approvers] = ApproversJson(claims.Approvers);
        }

        if (claims.Initiator is { } initiator)
        {
            payload[DecisionClaims.Initiator] = InitiatorJson(initiator);
        }

        foreach (var (name, value) in claims.AdditionalClaims)
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
        string.Equals(key.KeyId, keyId, StringComparison.Ordinal)
            ? key
            : new ECDsaSecurityKey(key.ECDsa) { KeyId = keyId };

    private static void AddIfSet(Dictionary<string, object> payload, string name, object? value)
    {
        if (value is not null)
        {
            payload[name] = value;
        }
    }

    // JsonElement values are written as raw JSON; dictionaries and lists would round-trip less predictably.
    private static JsonElement ApproversJson(IEnumerable<ApprovalParty> approvers) => WriteJson(writer =>
    {
        writer.WriteStartArray();
        foreach (var approver in approvers)
        {
            DecisionClaims.WriteParty(writer, approver, withName: true);
        }

        writer.WriteEndArray();
    });

    private static JsonElement InitiatorJson(ApprovalParty initiator) => WriteJson(writer => DecisionClaims.WriteParty(writer, initiator, withName: false));

    private static JsonElement WriteJson(Action<Utf8JsonWriter> write)
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
