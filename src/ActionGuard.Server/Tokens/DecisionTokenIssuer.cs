using System.Buffers;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Hashing;
using ActionGuard.Server.Approvals;
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
            ["ag_hash"] = record.ActionHash,
            [RequestDigest.ClaimName] = record.RequestHash,
            ["ag_kind"] = record.Action.Kind,
            ["ag_name"] = record.Action.Name,
            ["ag_verdict"] = "approved",
            ["ag_approvers"] = Json(w =>
            {
                w.WriteStartArray();
                foreach (var decision in record.Decisions)
                {
                    if (decision.Verdict != ApprovalVerdict.Approve)
                    {
                        continue;
                    }

                    w.WriteStartObject();
                    if (decision.Approver.Issuer is not null)
                    {
                        w.WriteString("iss", decision.Approver.Issuer);
                    }

                    w.WriteString("sub", decision.Approver.Subject);
                    if (decision.Approver.Name is not null)
                    {
                        w.WriteString("name", decision.Approver.Name);
                    }

                    WritePersonKeys(w, decision.Approver);

                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }),
        };

        if (record.Initiator is { } initiator)
        {
            claims["ag_initiator"] = Json(w =>
            {
                w.WriteStartObject();
                if (initiator.Issuer is not null)
                {
                    w.WriteString("iss", initiator.Issuer);
                }

                w.WriteString("sub", initiator.Subject);
                WritePersonKeys(w, initiator);
                w.WriteEndObject();
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

    // What makes identities one person beyond issuer and subject, so the agent's own check compares people as the
    // backend does (ApprovalParty.IsSamePerson).
    private static void WritePersonKeys(System.Text.Json.Utf8JsonWriter w, ApprovalParty party)
    {
        if (party.Email is not null)
        {
            w.WriteString("email", party.Email);
        }

        if (party.Person is not null)
        {
            w.WriteString("person", party.Person);
        }
    }
}
