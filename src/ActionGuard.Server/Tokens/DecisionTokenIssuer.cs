using System.Buffers;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Hashing;
using ActionGuard.Server.Approvals;
using ActionGuard.Tokens;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Server.Tokens;

/// <summary>
/// Signs the decision token a claim returns, with every claim of the protocol: <c>iss</c>, <c>aud</c> (the agent),
/// <c>sub</c> (the approval), <c>jti</c>, <c>iat</c>/<c>nbf</c>/<c>exp</c>, <c>ag_hash</c>, <c>ag_request</c>, <c>ag_kind</c>,
/// <c>ag_name</c>, <c>ag_verdict</c>, <c>ag_approvers</c> and <c>ag_initiator</c>.
/// </summary>
internal sealed class DecisionTokenIssuer
{
    private readonly ServerSigningKeys _keys;
    private readonly TimeSpan _lifetime;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public DecisionTokenIssuer(ServerSigningKeys keys, IOptions<ActionGuardServerOptions> options)
    {
        _keys = keys;
        _lifetime = options.Value.TokenLifetime;
    }

    /// <summary>Picks up a key another instance rotated in (the store may be shared) before tokens are signed.</summary>
    public ValueTask RefreshKeysAsync(CancellationToken cancellationToken) =>
        _keys.RefreshAsync(ServerSigningKeys.SigningRefreshInterval, cancellationToken);

    public string Issue(ApprovalRecord record, string issuer, DateTimeOffset now)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Iss] = issuer,
            [JwtRegisteredClaimNames.Aud] = record.AgentId,
            [JwtRegisteredClaimNames.Sub] = record.Id,
            [JwtRegisteredClaimNames.Jti] = record.TokenId ?? throw new InvalidOperationException("The approval has not been claimed."),
            [JwtRegisteredClaimNames.Iat] = now.ToUnixTimeSeconds(),
            [JwtRegisteredClaimNames.Nbf] = now.ToUnixTimeSeconds(),
            [JwtRegisteredClaimNames.Exp] = (now + _lifetime).ToUnixTimeSeconds(),
            [DecisionClaims.ActionHash] = record.ActionHash,
            [DecisionClaims.Request] = record.RequestHash,
            [DecisionClaims.Kind] = record.Action.Kind,
            [DecisionClaims.Name] = record.Action.Name,
            [DecisionClaims.Verdict] = DecisionClaims.Approved,
            [DecisionClaims.Approvers] = Json(w =>
            {
                w.WriteStartArray();
                foreach (var decision in record.Decisions)
                {
                    if (decision.Verdict != ApprovalVerdict.Approve)
                    {
                        continue;
                    }

                    DecisionClaims.WriteParty(w, decision.Approver, withName: true);
                }

                w.WriteEndArray();
            }),
        };

        if (record.Initiator is { } initiator)
        {
            claims[DecisionClaims.Initiator] = Json(w =>
            {
                DecisionClaims.WriteParty(w, initiator, withName: false);
            });
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(_keys.Current, SecurityAlgorithms.EcdsaSha256),
            TokenType = "JWT",
        });
    }

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
