using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;
using System.Text.Json;
using ActionGuard.Hashing;
using Microsoft.Extensions.Options;

namespace ActionGuard.Tokens;

/// <summary>
/// Verifies a decision token against the action about to run: compact JWS form and header, algorithm, signature
/// (JWKS from the backend), <c>iss</c>, <c>aud</c>, lifetime, <c>sub</c>, <c>ag_hash</c>, <c>ag_kind</c>/<c>ag_name</c>,
/// <c>ag_verdict</c>, approvers against the initiator and the agent, and <c>jti</c> freshness — in that order, so the
/// <c>jti</c> is only spent by a token that passed everything else, and the payload is only parsed once its signature
/// verified.
/// </summary>
/// <remarks>
/// The JWS is verified directly (RFC 7515 compact serialization) rather than through a JWT library, so only what is
/// needed runs: the header names the algorithm and the key, and nothing in it may bring its own key (<c>jku</c>,
/// <c>jwk</c>, <c>x5u</c>, <c>x5c</c>) or extensions the SDK would have to understand (<c>crit</c>).
/// </remarks>
internal sealed class DecisionTokenVerifier
{
    /// <summary>PROTOCOL.md: <c>exp</c> at most 5 minutes after <c>iat</c>.</summary>
    internal static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Longer tokens are refused unread, as JsonWebTokenHandler's default limit did (250 KiB).</summary>
    internal const int MaxTokenLength = 250 * 1024;

    // A kid longer than this is looked up through a string; the backend's kids are far shorter.
    private const int MaxStackKeyIdLength = 128;

    private const string NotCompactJws = "The decision token is missing or is not a compact JWS.";

    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    // A claim given twice could be read one way here and another way elsewhere: such a payload is not valid.
    private static readonly JsonDocumentOptions PayloadOptions = new() { AllowDuplicateProperties = false };

    private readonly SigningKeyProvider _keys;
    private readonly JtiReplayCache _replayCache;
    private readonly TimeProvider _timeProvider;
    private readonly string _expectedIssuer;

    // The expected issuer as UTF-8, to compare an unescaped 'iss' without a string; null when it is not valid UTF-16.
    private readonly byte[]? _expectedIssuerUtf8;
    private readonly TimeSpan _clockSkew;

    // Indexed by JwsAlgorithm: an algorithm must be both supported here and configured.
    private readonly bool[] _allowed;

    public DecisionTokenVerifier(SigningKeyProvider keys, JtiReplayCache replayCache, IOptions<ActionGuardOptions> options, TimeProvider timeProvider)
    {
        _keys = keys;
        _replayCache = replayCache;
        _timeProvider = timeProvider;
        var value = options.Value;
        _expectedIssuer = NormalizeIssuer(value.ExpectedIssuer ?? value.Endpoint?.AbsoluteUri ?? string.Empty);
        _expectedIssuerUtf8 = StrictUtf8(_expectedIssuer);
        _clockSkew = value.ClockSkew;
        _allowed = new bool[Enum.GetValues<JwsAlgorithm>().Length];
        foreach (var algorithm in JwsAlgorithms.All)
        {
            _allowed[(int)algorithm] = value.AllowedSigningAlgorithms.Contains(JwsAlgorithms.Name(algorithm));
        }
    }

    public async ValueTask<VerifiedDecision> VerifyAsync(string? token, DecisionExpectation expected, CancellationToken cancellationToken = default)
    {
        var jws = ReadHeader(token, expected);
        var key = jws.Key
            ?? await _keys.GetKeyAsync(jws.KeyId!, cancellationToken).ConfigureAwait(false)
            ?? throw Fail(VerificationCheck.Signature, $"The backend does not publish the signing key '{jws.KeyId}'.", expected);

        if (VerifySignedToken(token!, jws, key, expected) is { } decision)
        {
            return decision;
        }

        // The key was rotated out and disposed between the lookup and its use: the current key set decides.
        key = await _keys.GetKeyAsync(key.KeyId, cancellationToken).ConfigureAwait(false)
            ?? throw Fail(VerificationCheck.Signature, $"The backend does not publish the signing key '{key.KeyId}'.", expected);
        return VerifySignedToken(token!, jws, key, expected)
            ?? throw Fail(VerificationCheck.Signature, $"The signing key '{key.KeyId}' was retired during verification.", expected);
    }

    internal static string NormalizeIssuer(string issuer) => issuer.TrimEnd('/');

    /// <summary>
    /// Checks the compact form (three base64url segments, header and payload not empty), reads the header and checks
    /// it, and finds the key if it is cached.
    /// </summary>
    private JwsHeader ReadHeader(string? token, DecisionExpectation expected)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            throw Fail(VerificationCheck.Malformed, NotCompactJws, expected);
        }

        var span = token.AsSpan();
        var headerEnd = span.IndexOf('.');
        var payloadLength = headerEnd < 0 ? -1 : span[(headerEnd + 1)..].IndexOf('.');
        if (headerEnd <= 0 || payloadLength <= 0)
        {
            throw Fail(VerificationCheck.Malformed, NotCompactJws, expected);
        }

        var payloadEnd = headerEnd + 1 + payloadLength;
        var encodedHeader = span[..headerEnd];
        var encodedSignature = span[(payloadEnd + 1)..];
        if (encodedSignature.Contains('.'))
        {
            throw Fail(VerificationCheck.Malformed, NotCompactJws, expected);
        }

        if (!IsBase64Url(encodedHeader) || !IsBase64Url(span[(headerEnd + 1)..payloadEnd]) || !IsBase64Url(encodedSignature))
        {
            throw Fail(VerificationCheck.Malformed, "The decision token's segments are not base64url-encoded.", expected);
        }

        Span<char> keyIdBuffer = stackalloc char[MaxStackKeyIdLength];
        var header = ParseHeader(encodedHeader, keyIdBuffer, expected);

        if (header.Algorithm == JwsAlgorithm.Unsupported || !_allowed[(int)header.Algorithm])
        {
            throw Fail(
                VerificationCheck.Algorithm,
                $"The decision token is signed with '{header.AlgorithmName ?? JwsAlgorithms.Name(header.Algorithm)}', which is not an accepted algorithm.",
                expected);
        }

        if (header.KeyMaterial is not null)
        {
            throw Fail(VerificationCheck.Signature, $"The decision token's header carries '{header.KeyMaterial}'; signing keys are only taken from the backend's JWKS.", expected);
        }

        if (header.KeyIdLength <= 0 && string.IsNullOrEmpty(header.KeyId))
        {
            throw Fail(VerificationCheck.Signature, "The decision token names no signing key ('kid').", expected);
        }

        // Empty is valid base64url, so only here: after the algorithm check, an unsigned ('none') token is refused for
        // its algorithm, and any other token without a signature as malformed.
        if (encodedSignature.IsEmpty)
        {
            throw Fail(VerificationCheck.Malformed, "The decision token has no signature.", expected);
        }

        var keyId = header.KeyIdLength > 0 ? keyIdBuffer[..header.KeyIdLength] : header.KeyId.AsSpan();
        return _keys.TryGetCachedKey(keyId, out var key)
            ? new JwsHeader(headerEnd, payloadEnd, header.Algorithm, key, null)
            : new JwsHeader(headerEnd, payloadEnd, header.Algorithm, null, header.KeyId ?? keyId.ToString());
    }

    private static HeaderFields ParseHeader(ReadOnlySpan<char> encoded, Span<char> keyIdBuffer, DecisionExpectation expected)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(encoded.Length));
        try
        {
            if (Base64Url.DecodeFromChars(encoded, buffer, out _, out var length) != OperationStatus.Done)
            {
                throw Fail(VerificationCheck.Malformed, "The decision token's header is not base64url-encoded.", expected);
            }

            return ReadHeaderJson(buffer.AsSpan(0, length), keyIdBuffer, expected);
        }
        catch (JsonException ex)
        {
            throw Fail(VerificationCheck.Malformed, "The decision token cannot be parsed.", expected, ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static HeaderFields ReadHeaderJson(ReadOnlySpan<byte> json, Span<char> keyIdBuffer, DecisionExpectation expected)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw Fail(VerificationCheck.Malformed, "The decision token's header is not a JSON object.", expected);
        }

        var fields = default(HeaderFields);
        var seen = HeaderMember.None;
        var critical = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // ValueTextEquals unescapes, so "\u0061lg" is 'alg' here as it is to every other JWS implementation.
            var member = reader.ValueTextEquals("alg"u8) ? HeaderMember.Alg
                : reader.ValueTextEquals("kid"u8) ? HeaderMember.Kid
                : reader.ValueTextEquals("typ"u8) ? HeaderMember.Typ
                : reader.ValueTextEquals("crit"u8) ? HeaderMember.Crit
                : reader.ValueTextEquals("jku"u8) ? HeaderMember.Jku
                : reader.ValueTextEquals("jwk"u8) ? HeaderMember.Jwk
                : reader.ValueTextEquals("x5u"u8) ? HeaderMember.X5u
                : reader.ValueTextEquals("x5c"u8) ? HeaderMember.X5c
                : HeaderMember.None;
            if (member != HeaderMember.None && (seen & member) != 0)
            {
                throw Fail(VerificationCheck.Malformed, "The decision token's header names a parameter twice.", expected);
            }

            seen |= member;
            reader.Read();
            switch (member)
            {
                case HeaderMember.Alg:
                    RequireString(ref reader, expected);
                    fields.Algorithm = reader.ValueIsEscaped ? JwsAlgorithms.Parse(reader.GetString()) : JwsAlgorithms.Parse(reader.ValueSpan);
                    fields.AlgorithmName = fields.Algorithm == JwsAlgorithm.Unsupported ? reader.GetString() : null;
                    break;
                case HeaderMember.Kid:
                    RequireString(ref reader, expected);
                    if (reader.ValueSpan.Length <= keyIdBuffer.Length)
                    {
                        // UTF-8 never needs more chars than bytes, and unescaping only shortens.
                        fields.KeyIdLength = reader.CopyString(keyIdBuffer);
                    }
                    else
                    {
                        fields.KeyId = reader.GetString();
                    }

                    break;
                case HeaderMember.Typ:
                    RequireString(ref reader, expected);
                    break;
                case HeaderMember.Crit:
                    critical = true;
                    reader.Skip();
                    break;
                case HeaderMember.Jku or HeaderMember.Jwk or HeaderMember.X5u or HeaderMember.X5c:
                    fields.KeyMaterial ??= member switch
                    {
                        HeaderMember.Jku => "jku",
                        HeaderMember.Jwk => "jwk",
                        HeaderMember.X5u => "x5u",
                        _ => "x5c",
                    };
                    reader.Skip();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        // Anything after the object (or a truncated object) makes the reader throw, which is Malformed.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            throw Fail(VerificationCheck.Malformed, "The decision token's header is not a JSON object.", expected);
        }

        if (critical)
        {
            throw Fail(VerificationCheck.Malformed, "The decision token's header has critical extensions ('crit'), which the SDK does not support.", expected);
        }

        return fields;
    }

    private static void RequireString(ref Utf8JsonReader reader, DecisionExpectation expected)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Fail(VerificationCheck.Malformed, "The decision token's header has a parameter that is not a string.", expected);
        }
    }

    /// <summary>
    /// Verifies the signature, then parses the payload and checks every claim. <see langword="null"/> when
    /// <paramref name="key"/> was retired before it could be used.
    /// </summary>
    private VerifiedDecision? VerifySignedToken(string token, JwsHeader jws, VerificationKey key, DecisionExpectation expected)
    {
        var signingInput = token.AsSpan(0, jws.PayloadEnd);
        var encodedPayload = token.AsSpan(jws.HeaderEnd + 1, jws.PayloadEnd - jws.HeaderEnd - 1);
        var encodedSignature = token.AsSpan(jws.PayloadEnd + 1);
        var signatureCapacity = Base64Url.GetMaxDecodedLength(encodedSignature.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(signingInput.Length + signatureCapacity + Base64Url.GetMaxDecodedLength(encodedPayload.Length));
        JsonDocument? payload = null;
        try
        {
            var input = buffer.AsSpan(0, signingInput.Length);
            var signature = buffer.AsSpan(signingInput.Length, signatureCapacity);
            var payloadBytes = buffer.AsMemory(signingInput.Length + signatureCapacity);

            // Every char was checked to be base64url or '.', so the conversion is exact.
            if (Ascii.FromUtf16(signingInput, input, out _) != OperationStatus.Done
                || Base64Url.DecodeFromChars(encodedSignature, signature, out _, out var signatureLength) != OperationStatus.Done)
            {
                throw Fail(VerificationCheck.Malformed, NotCompactJws, expected);
            }

            if (!key.Accepts(jws.Algorithm))
            {
                throw Fail(VerificationCheck.Signature, $"The signing key '{key.KeyId}' cannot verify {JwsAlgorithms.Name(jws.Algorithm)} signatures.", expected);
            }

            switch (key.Verify(jws.Algorithm, input, signature[..signatureLength]))
            {
                case KeyVerification.Valid:
                    break;
                case KeyVerification.KeyRetired:
                    return null;
                default:
                    throw Fail(VerificationCheck.Signature, "The decision token's signature does not verify against the backend's key.", expected);
            }

            payload = ReadPayload(encodedPayload, payloadBytes, expected);
            return CheckClaims(payload.RootElement, expected);
        }
        finally
        {
            // The document reads from the pooled bytes: it goes first.
            payload?.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static JsonDocument ReadPayload(ReadOnlySpan<char> encoded, Memory<byte> buffer, DecisionExpectation expected)
    {
        if (Base64Url.DecodeFromChars(encoded, buffer.Span, out _, out var length) != OperationStatus.Done)
        {
            throw Fail(VerificationCheck.Malformed, "The decision token's payload is not valid JSON.", expected);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer[..length], PayloadOptions);
        }
        catch (JsonException ex)
        {
            throw Fail(VerificationCheck.Malformed, "The decision token's payload is not valid JSON.", expected, ex);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw Fail(VerificationCheck.Malformed, "The decision token's payload is not a JSON object.", expected);
        }

        return document;
    }

    private VerifiedDecision CheckClaims(JsonElement claims, DecisionExpectation expected)
    {
        CheckIssuer(claims, expected);
        CheckAudience(claims, expected);
        var expiresAt = CheckLifetime(claims, expected);

        if (!HasString(claims, "sub", expected.ApprovalId))
        {
            throw Fail(VerificationCheck.Subject, $"The decision token is for approval '{GetString(claims, "sub")}', not '{expected.ApprovalId}'.", expected);
        }

        if (!HashMatches(claims, DecisionClaims.ActionHashUtf8, expected.ActionHash))
        {
            throw Fail(VerificationCheck.ActionHash, "The decision token approves a different action or different arguments (ag_hash mismatch).", expected);
        }

        if (!HashMatches(claims, RequestDigest.ClaimNameUtf8, expected.RequestDigest))
        {
            throw Fail(
                VerificationCheck.Request,
                "The decision token was given for a request other than the one this agent sent (ag_request mismatch): what the reviewer saw or policy matched was changed on the way.",
                expected);
        }

        if (!HasString(claims, DecisionClaims.Kind, expected.Kind) || !HasString(claims, DecisionClaims.Name, expected.Name))
        {
            throw Fail(
                VerificationCheck.Action,
                $"The decision token approves '{GetString(claims, DecisionClaims.Kind)} {GetString(claims, DecisionClaims.Name)}', not '{expected.Kind} {expected.Name}'.",
                expected);
        }

        if (!HasString(claims, DecisionClaims.Verdict, DecisionClaims.Approved))
        {
            throw Fail(VerificationCheck.Verdict, $"The decision token's verdict is '{GetString(claims, DecisionClaims.Verdict)}', not 'approved'.", expected);
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

    // Compared in constant time. The token's bytes are used as they are when the JSON string has no escapes (the
    // reader validated them as UTF-8), against the expected hash encoded strictly (a lone surrogate cannot match);
    // otherwise both sides as UTF-16 code units, which is as strict.
    private static bool HashMatches(JsonElement claims, ReadOnlySpan<byte> claim, string expected)
    {
        if (!claims.TryGetProperty(claim, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var raw = JsonMarshal.GetRawUtf8Value(value);
        Span<byte> expectedUtf8 = stackalloc byte[256];
        if (raw.Length >= 2 && raw[0] == (byte)'"' && raw[^1] == (byte)'"' && !raw.Contains((byte)'\\')
            && expected.Length * 3 <= expectedUtf8.Length)
        {
            return Utf8.FromUtf16(expected, expectedUtf8, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done
                && CryptographicOperations.FixedTimeEquals(raw[1..^1], expectedUtf8[..written]);
        }

        var hash = value.GetString()!;
        return CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(hash.AsSpan()), MemoryMarshal.AsBytes(expected.AsSpan()));
    }

    private static bool IsBase64Url(ReadOnlySpan<char> segment) =>
        segment.Length % 4 != 1 && !segment.ContainsAnyExcept(Base64UrlAlphabet);

    private void CheckIssuer(JsonElement claims, DecisionExpectation expected)
    {
        if (!IssuerMatches(claims))
        {
            var issuer = GetString(claims, "iss");
            throw Fail(VerificationCheck.Issuer, $"The decision token was issued by '{issuer}', not by the configured backend '{_expectedIssuer}'.", expected);
        }
    }

    // The same test as comparing NormalizeIssuer(iss) with the expected issuer, ordinal. An unescaped JSON string's bytes
    // are valid UTF-8 (the reader checked), so they equal the expected issuer's strict UTF-8 exactly when the strings are
    // equal; '/' is ASCII and never part of a longer sequence, so trimming it from the bytes trims it from the string.
    private bool IssuerMatches(JsonElement claims)
    {
        if (!claims.TryGetProperty("iss"u8, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (_expectedIssuerUtf8 is not null && IsUnescapedString(raw))
        {
            return raw[1..^1].TrimEnd((byte)'/').SequenceEqual(_expectedIssuerUtf8);
        }

        return string.Equals(NormalizeIssuer(value.GetString()!), _expectedIssuer, StringComparison.Ordinal);
    }

    private static byte[]? StrictUtf8(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        return Utf8.FromUtf16(text, bytes, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done
            ? bytes[..written]
            : null;
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

    private static ApprovalParty[] CheckApprovers(JsonElement claims, DecisionExpectation expected)
    {
        if (!claims.TryGetProperty(DecisionClaims.Approvers, out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            throw Fail(VerificationCheck.SelfApproval, "The decision token names no approvers.", expected);
        }

        // The initiator the token itself names, if it names one with a subject.
        var tokenInitiator = claims.TryGetProperty(DecisionClaims.Initiator, out var initiatorElement)
            && initiatorElement.ValueKind == JsonValueKind.Object
            && HasSubject(initiatorElement, out _)
                ? DecisionClaims.ReadParty(initiatorElement)
                : null;

        var approvers = expected.ListApprovers ? new ApprovalParty[list.GetArrayLength()] : [];
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !HasSubject(item, out var subject))
            {
                throw Fail(VerificationCheck.SelfApproval, "The decision token names an approver without a subject.", expected);
            }

            // The one comparison of people: issuers however spelled, linked identities, e-mail addresses.
            var approver = DecisionClaims.ReadParty(item);
            if (approver.IsSamePerson(expected.Initiator) || approver.IsSamePerson(tokenInitiator))
            {
                throw Fail(VerificationCheck.SelfApproval, $"The initiator '{approver}' is counted as an approver of their own request.", expected);
            }

            if (subject.ValueEquals(expected.AgentId))
            {
                throw Fail(VerificationCheck.SelfApproval, $"The agent '{expected.AgentId}' is counted as an approver of its own request.", expected);
            }

            if (expected.ListApprovers)
            {
                approvers[index++] = approver;
            }
        }

        return approvers;
    }

    private static bool IsUnescapedString(ReadOnlySpan<byte> raw) =>
        raw.Length >= 2 && raw[0] == (byte)'"' && raw[^1] == (byte)'"' && !raw.Contains((byte)'\\');

    private static bool HasSubject(JsonElement element, out JsonElement subject) =>
        element.TryGetProperty("sub"u8, out subject) && subject.ValueKind == JsonValueKind.String && !subject.ValueEquals(ReadOnlySpan<byte>.Empty);

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

    // Where the segments end, the header's algorithm, and the key if it was cached (else its kid, to fetch it).
    private readonly record struct JwsHeader(int HeaderEnd, int PayloadEnd, JwsAlgorithm Algorithm, VerificationKey? Key, string? KeyId);

    private struct HeaderFields
    {
        public JwsAlgorithm Algorithm;
        public string? AlgorithmName;
        public int KeyIdLength;
        public string? KeyId;
        public string? KeyMaterial;
    }

    [Flags]
    private enum HeaderMember
    {
        None = 0,
        Alg = 1,
        Kid = 2,
        Typ = 4,
        Crit = 8,
        Jku = 16,
        Jwk = 32,
        X5u = 64,
        X5c = 128,
    }
}
