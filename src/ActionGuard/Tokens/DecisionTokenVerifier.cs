using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Tokens;

/// <summary>
/// Verifies a decision token against the action about to run: signature (JWKS from the backend), algorithm,
/// <c>iss</c>, <c>aud</c>, lifetime, <c>sub</c>, <c>ag_hash</c>, <c>ag_kind</c>/<c>ag_name</c>, <c>ag_verdict</c>,
/// approvers against the initiator and the agent, and <c>jti</c> freshness — in that order, so the <c>jti</c> is only
/// spent by a token that passed everything else.
/// </summary>
internal sealed class DecisionTokenVerifier
{
    /// <summary>PROTOCOL.md: <c>exp</c> at most 5 minutes after <c>iat</c>.</summary>
    internal static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromMinutes(5);

    private readonly SigningKeyProvider _keys;
    private readonly JtiReplayCache _replayCache;
    private readonly TimeProvider _timeProvider;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly string _expectedIssuer;
    private readonly TimeSpan _clockSkew;
    private readonly HashSet<string> _allowedAlgorithms;
    private volatile TokenValidationParameters? _parameters;

    public DecisionTokenVerifier(SigningKeyProvider keys, JtiReplayCache replayCache, IOptions<ActionGuardOptions> options, TimeProvider timeProvider)
    {
        _keys = keys;
        _replayCache = replayCache;
        _timeProvider = timeProvider;
        var value = options.Value;
        _expectedIssuer = NormalizeIssuer(value.ExpectedIssuer ?? value.Endpoint?.AbsoluteUri ?? string.Empty);
        _clockSkew = value.ClockSkew;
        _allowedAlgorithms = new HashSet<string>(value.AllowedSigningAlgorithms, StringComparer.Ordinal);
    }

    public async ValueTask<VerifiedDecision> VerifyAsync(string? token, DecisionExpectation expected, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token) || !_handler.CanReadToken(token))
        {
            throw Fail(VerificationCheck.Malformed, "The decision token is missing or is not a compact JWS.", expected);
        }

        JsonWebToken jwt;
        try
        {
            jwt = _handler.ReadJsonWebToken(token);
        }
        catch (ArgumentException ex)
        {
            throw Fail(VerificationCheck.Malformed, "The decision token cannot be parsed.", expected, ex);
        }

        if (string.IsNullOrEmpty(jwt.Alg) || !_allowedAlgorithms.Contains(jwt.Alg))
        {
            throw Fail(VerificationCheck.Algorithm, $"The decision token is signed with '{jwt.Alg}', which is not an accepted algorithm.", expected);
        }

        if (string.IsNullOrEmpty(jwt.Kid))
        {
            throw Fail(VerificationCheck.Signature, "The decision token names no signing key ('kid').", expected);
        }

        var key = await _keys.GetKeyAsync(jwt.Kid, cancellationToken).ConfigureAwait(false)
            ?? throw Fail(VerificationCheck.Signature, $"The backend does not publish the signing key '{jwt.Kid}'.", expected);

        // The token already read is validated as is: reading it a second time would cost as much as the claim checks.
        var signature = await _handler.ValidateTokenAsync(jwt, SignatureOnlyParameters(key)).ConfigureAwait(false);
        if (!signature.IsValid)
        {
            throw Fail(VerificationCheck.Signature, "The decision token's signature does not verify against the backend's key.", expected, signature.Exception);
        }

        using var payload = ReadPayload(jwt, expected);
        var claims = payload.Document.RootElement;

        CheckIssuer(claims, expected);
        CheckAudience(claims, expected);
        var expiresAt = CheckLifetime(claims, expected);

        if (!HasString(claims, "sub", expected.ApprovalId))
        {
            throw Fail(VerificationCheck.Subject, $"The decision token is for approval '{GetString(claims, "sub")}', not '{expected.ApprovalId}'.", expected);
        }

        // Compared as UTF-16 code units in constant time: as strict as comparing UTF-8 (stricter for lone surrogates,
        // which UTF-8 encoding would replace), without encoding either side.
        var hash = GetString(claims, "ag_hash");
        if (hash is null || !CryptographicOperations.FixedTimeEquals(
                MemoryMarshal.AsBytes(hash.AsSpan()), MemoryMarshal.AsBytes(expected.ActionHash.AsSpan())))
        {
            throw Fail(VerificationCheck.ActionHash, "The decision token approves a different action or different arguments (ag_hash mismatch).", expected);
        }

        if (!HasString(claims, "ag_kind", expected.Kind) || !HasString(claims, "ag_name", expected.Name))
        {
            throw Fail(
                VerificationCheck.Action,
                $"The decision token approves '{GetString(claims, "ag_kind")} {GetString(claims, "ag_name")}', not '{expected.Kind} {expected.Name}'.",
                expected);
        }

        if (!HasString(claims, "ag_verdict", "approved"))
        {
            throw Fail(VerificationCheck.Verdict, $"The decision token's verdict is '{GetString(claims, "ag_verdict")}', not 'approved'.", expected);
        }

        var approvers = CheckApprovers(claims, expected);

        var jti = GetString(claims, "jti");
        if (string.IsNullOrEmpty(jti))
        {
            throw Fail(VerificationCheck.Replay, "The decision token has no 'jti'.", expected);
        }

        if (!_replayCache.TryUse(jti, expiresAt + _clockSkew))
        {
            throw Fail(VerificationCheck.Replay, $"The decision token '{jti}' was already used.", expected);
        }

        return new VerifiedDecision(expected.ApprovalId, jti, approvers, expiresAt);
    }

    internal static string NormalizeIssuer(string issuer) => issuer.TrimEnd('/');

    private static Payload ReadPayload(JsonWebToken jwt, DecisionExpectation expected)
    {
        var encoded = jwt.EncodedPayload.AsSpan();
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(encoded.Length));
        try
        {
            var length = Base64Url.DecodeFromChars(encoded, buffer);
            var document = JsonDocument.Parse(buffer.AsMemory(0, length));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw Fail(VerificationCheck.Malformed, "The decision token's payload is not a JSON object.", expected);
            }

            return new Payload(document, buffer);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw Fail(VerificationCheck.Malformed, "The decision token's payload is not valid JSON.", expected, ex);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    // One set of parameters per signing key, reused by every call: they are only read during validation, and making
    // them per call cost more than the rest of the claim checks together.
    private TokenValidationParameters SignatureOnlyParameters(SecurityKey key)
    {
        var cached = _parameters;
        if (cached is not null && ReferenceEquals(cached.IssuerSigningKey, key))
        {
            return cached;
        }

        cached = new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidAlgorithms = _allowedAlgorithms,
            RequireSignedTokens = true,
            TryAllIssuerSigningKeys = false,
            // The claims are checked below against the TimeProvider and the expected action; only the signature here.
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            ValidateIssuerSigningKey = false,
        };
        _parameters = cached;
        return cached;
    }

    private void CheckIssuer(JsonElement claims, DecisionExpectation expected)
    {
        var issuer = GetString(claims, "iss");
        if (issuer is null || !string.Equals(NormalizeIssuer(issuer), _expectedIssuer, StringComparison.Ordinal))
        {
            throw Fail(VerificationCheck.Issuer, $"The decision token was issued by '{issuer}', not by the configured backend '{_expectedIssuer}'.", expected);
        }
    }

    private static void CheckAudience(JsonElement claims, DecisionExpectation expected)
    {
        // Exactly this agent: a token that names other audiences too could be replayed by them.
        var ok = claims.TryGetProperty("aud", out var aud) && aud.ValueKind switch
        {
            JsonValueKind.String => aud.ValueEquals(expected.AgentId),
            JsonValueKind.Array => aud.GetArrayLength() == 1 && aud[0].ValueKind == JsonValueKind.String && aud[0].ValueEquals(expected.AgentId),
            _ => false,
        };
        if (!ok)
        {
            throw Fail(VerificationCheck.Audience, $"The decision token is not addressed to this agent '{expected.AgentId}' alone.", expected);
        }
    }

    private DateTimeOffset CheckLifetime(JsonElement claims, DecisionExpectation expected)
    {
        if (GetSeconds(claims, "exp") is not { } exp || GetSeconds(claims, "iat") is not { } iat)
        {
            throw Fail(VerificationCheck.Lifetime, "The decision token lacks 'exp' or 'iat'.", expected);
        }

        var nbf = GetSeconds(claims, "nbf") ?? iat;
        var now = _timeProvider.GetUtcNow();
        if (exp - iat > MaxTokenLifetime || exp <= iat)
        {
            throw Fail(VerificationCheck.Lifetime, $"The decision token lives {(exp - iat).TotalSeconds:0} s; at most {MaxTokenLifetime.TotalSeconds:0} s is allowed.", expected);
        }

        if (now >= exp + _clockSkew)
        {
            throw Fail(VerificationCheck.Lifetime, $"The decision token expired at {exp:O}.", expected);
        }

        if (now + _clockSkew < nbf || now + _clockSkew < iat)
        {
            throw Fail(VerificationCheck.Lifetime, $"The decision token is not valid before {nbf:O}.", expected);
        }

        return exp;
    }

    private static List<ApprovalParty> CheckApprovers(JsonElement claims, DecisionExpectation expected)
    {
        if (!claims.TryGetProperty("ag_approvers", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            throw Fail(VerificationCheck.SelfApproval, "The decision token names no approvers.", expected);
        }

        ApprovalParty? tokenInitiator = null;
        if (claims.TryGetProperty("ag_initiator", out var initiatorClaim) && initiatorClaim.ValueKind == JsonValueKind.Object)
        {
            var subject = GetString(initiatorClaim, "sub");
            if (!string.IsNullOrEmpty(subject))
            {
                tokenInitiator = new ApprovalParty { Issuer = GetString(initiatorClaim, "iss"), Subject = subject };
            }
        }

        var approvers = new List<ApprovalParty>(list.GetArrayLength());
        foreach (var item in list.EnumerateArray())
        {
            var subject = item.ValueKind == JsonValueKind.Object ? GetString(item, "sub") : null;
            if (string.IsNullOrEmpty(subject))
            {
                throw Fail(VerificationCheck.SelfApproval, "The decision token names an approver without a subject.", expected);
            }

            var approver = new ApprovalParty { Issuer = GetString(item, "iss"), Subject = subject, Name = GetString(item, "name") };
            if (approver.IsSameIdentity(expected.Initiator) || approver.IsSameIdentity(tokenInitiator))
            {
                throw Fail(VerificationCheck.SelfApproval, $"The initiator '{approver}' is counted as an approver of their own request.", expected);
            }

            if (string.Equals(subject, expected.AgentId, StringComparison.Ordinal))
            {
                throw Fail(VerificationCheck.SelfApproval, $"The agent '{expected.AgentId}' is counted as an approver of its own request.", expected);
            }

            approvers.Add(approver);
        }

        return approvers;
    }

    private static bool HasString(JsonElement element, string name, string expected) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.ValueEquals(expected);

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? GetSeconds(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static ApprovalVerificationException Fail(VerificationCheck check, string message, DecisionExpectation expected, Exception? inner = null) =>
        new(check, message, inner)
        {
            ApprovalId = expected.ApprovalId,
            ActionKind = expected.Kind,
            ActionName = expected.Name,
        };

    // The parsed payload and the pooled bytes it reads from; the bytes go back only once the document is done with them.
    private readonly struct Payload(JsonDocument document, byte[] buffer) : IDisposable
    {
        public JsonDocument Document { get; } = document;

        public void Dispose()
        {
            Document.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
