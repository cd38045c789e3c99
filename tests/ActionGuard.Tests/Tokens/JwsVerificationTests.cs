using System.Security.Cryptography;
using ActionGuard.Tests.TestSupport;
using ActionGuard.Tokens;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ActionGuard.Tests.Tokens;

/// <summary>The compact-JWS handling of <see cref="DecisionTokenVerifier"/>: form, header, algorithms and keys.</summary>
public sealed class JwsVerificationTests : IDisposable
{
    private const string Es256Header = """{"alg":"ES256","kid":"key-1","typ":"JWT"}""";

    private static readonly ApprovalParty Initiator = new() { Issuer = "https://idp.example.com/", Subject = "bob" };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
    private readonly ECDsa _p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly StaticKeysClient _client;
    private readonly ActionGuardOptions _options = new()
    {
        Endpoint = new Uri("https://approvals.example.com/"),
        AgentId = "agent-1",
    };

    public JwsVerificationTests()
    {
        _client = new StaticKeysClient(RawJws.Jwks(
            RawJws.EcJwk(_p256, "key-1", "P-256", "ES256"),
            RawJws.EcJwk(_p384, "key-384", "P-384"),
            RawJws.RsaJwk(_rsa, "rsa-1")));
    }

    private static DecisionExpectation Expected => new("apr_1", "sha256:abc", TokenFactory.Request, "data_export", "Exporter.Export", "agent-1", Initiator);

    private Dictionary<string, object> Claims => TokenFactory.Claims(_time.GetUtcNow());

    private string Es256(string header = Es256Header) => RawJws.Sign(header, Claims, RawJws.Es(_p256, HashAlgorithmName.SHA256));

    private DecisionTokenVerifier CreateVerifier(SigningKeyProvider? keys = null)
    {
        var options = Options.Create(_options);
        keys ??= new SigningKeyProvider(_client, options, _time, NullLogger<SigningKeyProvider>.Instance);
        return new DecisionTokenVerifier(keys, new JtiReplayCache(_time), options, _time);
    }

    private async Task<ApprovalVerificationException> FailsWith(VerificationCheck check, string token)
    {
        var ex = await Assert.ThrowsAsync<ApprovalVerificationException>(() => CreateVerifier().VerifyAsync(token, Expected).AsTask());
        Assert.Equal(check, ex.Check);
        return ex;
    }

    private async Task Passes(string token)
    {
        var decision = await CreateVerifier().VerifyAsync(token, Expected);
        Assert.Equal("alice", Assert.Single(decision.Approvers).Subject);
    }

    [Fact]
    public async Task A_hand_written_ES256_token_passes()
        => await Passes(Es256());

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public async Task A_signature_one_byte_off_the_curve_length_fails_the_signature_check(int delta)
    {
        var parts = Es256().Split('.');
        var signature = System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]);
        var resized = new byte[signature.Length + delta];
        Array.Copy(signature, resized, Math.Min(signature.Length, resized.Length));
        await FailsWith(VerificationCheck.Signature, $"{parts[0]}.{parts[1]}.{System.Buffers.Text.Base64Url.EncodeToString(resized)}");
    }

    [Fact]
    public async Task A_P384_key_never_verifies_ES256_even_with_a_valid_P384_signature()
    {
        var token = RawJws.Sign("""{"alg":"ES256","kid":"key-384"}""", Claims, RawJws.Es(_p384, HashAlgorithmName.SHA256));
        var ex = await FailsWith(VerificationCheck.Signature, token);
        Assert.Contains("key-384", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_P384_key_verifies_ES384_when_it_is_allowed()
    {
        _options.AllowedSigningAlgorithms.Add("ES384");
        await Passes(RawJws.Sign("""{"alg":"ES384","kid":"key-384"}""", Claims, RawJws.Es(_p384, HashAlgorithmName.SHA384)));
    }

    [Fact]
    public async Task A_crit_header_fails_the_malformed_check_even_when_signed()
        => await FailsWith(VerificationCheck.Malformed, Es256("""{"alg":"ES256","kid":"key-1","crit":["exp"],"exp":1}"""));

    [Theory]
    [InlineData("jku", "\"https://evil.example/jwks.json\"")]
    [InlineData("jwk", "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}")]
    [InlineData("x5u", "\"https://evil.example/cert.pem\"")]
    [InlineData("x5c", "[\"MIIB\"]")]
    public async Task A_header_that_brings_its_own_key_fails_the_signature_check_even_when_signed(string member, string value)
    {
        var ex = await FailsWith(VerificationCheck.Signature, Es256($$"""{"alg":"ES256","kid":"key-1","{{member}}":{{value}}}"""));
        Assert.Contains(member, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _client.Fetches);
    }

    [Fact]
    public async Task A_four_part_token_fails_the_malformed_check()
        => await FailsWith(VerificationCheck.Malformed, Es256() + ".AAAA");

    [Fact]
    public async Task A_five_part_JWE_shaped_token_fails_the_malformed_check()
        => await FailsWith(VerificationCheck.Malformed, "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d");

    [Theory]
    [InlineData(".payload.sig")]
    [InlineData("header..sig")]
    [InlineData("..")]
    public async Task An_empty_header_or_payload_fails_the_malformed_check(string token)
        => await FailsWith(VerificationCheck.Malformed, token);

    [Fact]
    public async Task An_empty_signature_fails_the_malformed_check()
    {
        var parts = Es256().Split('.');
        await FailsWith(VerificationCheck.Malformed, $"{parts[0]}.{parts[1]}.");
    }

    [Theory]
    [InlineData(0, "+")]
    [InlineData(1, "/")]
    [InlineData(2, "=")]
    [InlineData(2, " ")]
    [InlineData(1, "\n")]
    [InlineData(0, "é")]
    public async Task A_segment_with_a_char_outside_base64url_fails_the_malformed_check(int segment, string character)
    {
        var parts = Es256().Split('.');
        parts[segment] = parts[segment][..4] + character + parts[segment][4..];
        await FailsWith(VerificationCheck.Malformed, string.Join('.', parts));
    }

    [Fact]
    public async Task A_segment_of_impossible_base64url_length_fails_the_malformed_check()
    {
        // 4n + 1 chars cannot be base64 of anything: the last char would carry 6 bits of no byte.
        var parts = Es256().Split('.');
        var signature = parts[2];
        while (signature.Length % 4 != 1)
        {
            signature += "A";
        }

        await FailsWith(VerificationCheck.Malformed, $"{parts[0]}.{parts[1]}.{signature}");
    }

    [Fact]
    public async Task A_header_that_is_not_a_JSON_object_fails_the_malformed_check()
    {
        await FailsWith(VerificationCheck.Malformed, Es256("""["ES256"]"""));
        await FailsWith(VerificationCheck.Malformed, Es256("""{"alg":"ES256","kid":"key-1"} {}"""));
        await FailsWith(VerificationCheck.Malformed, Es256("""{"alg":"ES256","kid":1}"""));
    }

    [Fact]
    public async Task A_header_naming_alg_twice_fails_the_malformed_check_even_when_escaped()
        => await FailsWith(VerificationCheck.Malformed, Es256("""{"alg":"ES256","kid":"key-1","\u0061lg":"none"}"""));

    [Fact]
    public async Task A_payload_naming_a_claim_twice_fails_the_malformed_check()
    {
        var payload = System.Text.Json.JsonSerializer.Serialize(Claims);
        payload = payload[..^1] + ",\"sub\":\"apr_1\"}";
        await FailsWith(VerificationCheck.Malformed, RawJws.SignPayload(Es256Header, payload, RawJws.Es(_p256, HashAlgorithmName.SHA256)));
    }

    [Theory]
    [InlineData("sha256:ab\\u0063", true)]
    [InlineData("sha256:ab\\u0064", false)]
    [InlineData("sha256:abc\\u0000", false)]
    [InlineData("sha256:ab", false)]
    [InlineData("sha256:abcd", false)]
    [InlineData("SHA256:abc", false)]
    public async Task The_action_hash_matches_exactly_escaped_or_not(string jsonHash, bool matches)
    {
        var payload = System.Text.Json.JsonSerializer.Serialize(Claims).Replace("\"sha256:abc\"", $"\"{jsonHash}\"", StringComparison.Ordinal);
        var token = RawJws.SignPayload(Es256Header, payload, RawJws.Es(_p256, HashAlgorithmName.SHA256));
        if (matches)
        {
            await Passes(token);
        }
        else
        {
            await FailsWith(VerificationCheck.ActionHash, token);
        }
    }

    [Theory]
    [InlineData("https://approvals.example.com", true)]
    [InlineData("https://approvals.example.com/", true)]
    [InlineData("https://approvals.example.com///", true)]
    [InlineData("https:\\/\\/approvals.example.com\\/", true)]
    [InlineData("https://approvals.ex\\u0061mple.com", true)]
    [InlineData("https://approvals.example.co", false)]
    [InlineData("https://approvals.example.comm", false)]
    [InlineData("https://approvals.example.com/v1", false)]
    [InlineData("HTTPS://approvals.example.com", false)]
    [InlineData("", false)]
    public async Task The_issuer_matches_exactly_escaped_or_not(string jsonIssuer, bool matches)
    {
        var payload = System.Text.Json.JsonSerializer.Serialize(Claims)
            .Replace("\"https://approvals.example.com\"", $"\"{jsonIssuer}\"", StringComparison.Ordinal);
        var token = RawJws.SignPayload(Es256Header, payload, RawJws.Es(_p256, HashAlgorithmName.SHA256));
        if (matches)
        {
            await Passes(token);
        }
        else
        {
            await FailsWith(VerificationCheck.Issuer, token);
        }
    }

    [Theory]
    [InlineData("\\u0061lice", "https://idp.example.com/", true)]
    [InlineData("alice", "https:\\/\\/idp.example.com\\/", true)]
    [InlineData("alic\\u0065s", "https://idp.example.com/", false)]
    [InlineData("alice", "https://idp.example.com", true)]
    [InlineData("alice", "https://other-idp.example.com/", false)]
    public async Task The_token_initiator_is_compared_with_approvers_escaped_or_not(string subject, string issuer, bool same)
    {
        var payload = System.Text.Json.JsonSerializer.Serialize(Claims)
            .Replace("\"ag_initiator\":{\"iss\":\"https://idp.example.com/\",\"sub\":\"bob\"}", $"\"ag_initiator\":{{\"iss\":\"{issuer}\",\"sub\":\"{subject}\"}}", StringComparison.Ordinal);
        Assert.Contains(subject, payload, StringComparison.Ordinal);
        var token = RawJws.SignPayload(Es256Header, payload, RawJws.Es(_p256, HashAlgorithmName.SHA256));
        if (same)
        {
            await FailsWith(VerificationCheck.SelfApproval, token);
        }
        else
        {
            await Passes(token);
        }
    }

    [Theory]
    [InlineData("es256")]
    [InlineData("Es256")]
    [InlineData("ES256 ")]
    [InlineData("HS256")]
    [InlineData("")]
    public async Task An_algorithm_not_exactly_ES256_fails_the_algorithm_check(string alg)
    {
        var ex = await FailsWith(VerificationCheck.Algorithm, Es256($$"""{"alg":"{{alg}}","kid":"key-1"}"""));
        Assert.Contains($"'{alg}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_without_alg_fails_the_algorithm_check()
        => await FailsWith(VerificationCheck.Algorithm, Es256("""{"kid":"key-1"}"""));

    [Fact]
    public async Task A_kid_in_another_case_is_another_key_and_fails_the_signature_check()
    {
        var ex = await FailsWith(VerificationCheck.Signature, Es256("""{"alg":"ES256","kid":"KEY-1"}"""));
        Assert.Contains("'KEY-1'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_escaped_kid_names_the_same_key()
        => await Passes(Es256("""{"alg":"ES256","kid":"key\u002d1"}"""));

    [Theory]
    [InlineData("RS256")]
    [InlineData("PS256")]
    public async Task RSA_tokens_are_refused_unless_their_algorithm_is_allowed(string alg)
    {
        var padding = alg == "PS256" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        var token = RawJws.Sign($$"""{"alg":"{{alg}}","kid":"rsa-1"}""", Claims, RawJws.Rs(_rsa, padding));
        await FailsWith(VerificationCheck.Algorithm, token);

        _options.AllowedSigningAlgorithms.Add(alg);
        await Passes(token);
    }

    [Fact]
    public async Task An_RS256_signature_presented_as_PS256_fails_the_signature_check()
    {
        _options.AllowedSigningAlgorithms.Add("PS256");
        await FailsWith(VerificationCheck.Signature, RawJws.Sign("""{"alg":"PS256","kid":"rsa-1"}""", Claims, RawJws.Rs(_rsa, RSASignaturePadding.Pkcs1)));
    }

    [Fact]
    public async Task An_RSA_key_never_verifies_ES256_and_an_EC_key_never_verifies_RS256()
    {
        _options.AllowedSigningAlgorithms.Add("RS256");
        await FailsWith(VerificationCheck.Signature, RawJws.Sign("""{"alg":"ES256","kid":"rsa-1"}""", Claims, RawJws.Es(_p256, HashAlgorithmName.SHA256)));
        await FailsWith(VerificationCheck.Signature, RawJws.Sign("""{"alg":"RS256","kid":"key-1"}""", Claims, RawJws.Rs(_rsa, RSASignaturePadding.Pkcs1)));
    }

    [Fact]
    public async Task A_key_whose_JWK_declares_another_algorithm_fails_the_signature_check()
    {
        _client.Jwks = RawJws.Jwks(RawJws.RsaJwk(_rsa, "rsa-1", "RS256"));
        _options.AllowedSigningAlgorithms.Add("PS256");
        await FailsWith(VerificationCheck.Signature, RawJws.Sign("""{"alg":"PS256","kid":"rsa-1"}""", Claims, RawJws.Rs(_rsa, RSASignaturePadding.Pss)));
    }

    [Fact]
    public async Task An_RSA_key_shorter_than_2048_bits_is_not_a_signing_key()
    {
        using var weak = RSA.Create(1024);
        _client.Jwks = RawJws.Jwks(RawJws.RsaJwk(weak, "rsa-weak"));
        _options.AllowedSigningAlgorithms.Add("RS256");
        var ex = await FailsWith(VerificationCheck.Signature, RawJws.Sign("""{"alg":"RS256","kid":"rsa-weak"}""", Claims, RawJws.Rs(weak, RSASignaturePadding.Pkcs1)));
        Assert.Contains("does not publish", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refetch_keeps_unchanged_keys_and_retires_the_ones_that_left()
    {
        var keys = new SigningKeyProvider(_client, Options.Create(_options), _time, NullLogger<SigningKeyProvider>.Instance);
        var verifier = CreateVerifier(keys);
        await verifier.VerifyAsync(Es256(), Expected);
        Assert.True(keys.TryGetCachedKey("key-1", out var first));
        Assert.True(keys.TryGetCachedKey("rsa-1", out var rsa));

        using var next = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _client.Jwks = RawJws.Jwks(RawJws.EcJwk(_p256, "key-1", "P-256", "ES256"), RawJws.EcJwk(next, "key-2", "P-256"));
        await verifier.VerifyAsync(RawJws.Sign("""{"alg":"ES256","kid":"key-2"}""", Claims, RawJws.Es(next, HashAlgorithmName.SHA256)), Expected);

        Assert.Equal(2, _client.Fetches);
        Assert.True(keys.TryGetCachedKey("key-1", out var kept));
        Assert.Same(first, kept);
        Assert.False(kept.IsDisposed);
        Assert.True(rsa.IsDisposed);
        Assert.False(keys.TryGetCachedKey("rsa-1", out _));

        keys.Dispose();
        Assert.True(kept.IsDisposed);
    }

    public void Dispose()
    {
        _p256.Dispose();
        _p384.Dispose();
        _rsa.Dispose();
    }
}
