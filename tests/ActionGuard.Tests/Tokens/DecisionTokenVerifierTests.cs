using ActionGuard.Tests.TestSupport;
using ActionGuard.Tokens;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Tests.Tokens;

public sealed class DecisionTokenVerifierTests : IDisposable
{
    private static readonly ApprovalParty Initiator = new() { Issuer = "https://idp.example.com/", Subject = "bob" };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
    private readonly TokenFactory _tokens = new();
    private readonly StaticKeysClient _client;
    private readonly ActionGuardOptions _options = new()
    {
        Endpoint = new Uri("https://approvals.example.com/"),
        AgentId = "agent-1",
        SigningKeysRefreshInterval = TimeSpan.FromSeconds(30),
    };

    public DecisionTokenVerifierTests()
    {
        _client = new StaticKeysClient(TokenFactory.Jwks(_tokens.Key));
    }

    private DecisionExpectation Expected => new("apr_1", "sha256:abc", TokenFactory.Request, "data_export", "Exporter.Export", "agent-1", Initiator);

    private DecisionTokenVerifier CreateVerifier(JtiReplayCache? cache = null)
    {
        var options = Options.Create(_options);
        var keys = new SigningKeyProvider(_client, options, _time, NullLogger<SigningKeyProvider>.Instance);
        return new DecisionTokenVerifier(keys, cache ?? new JtiReplayCache(_time), options, _time);
    }

    private Task<ApprovalVerificationException> FailsWith(VerificationCheck check, string token) =>
        FailsWith(check, CreateVerifier(), token);

    private Task<ApprovalVerificationException> FailsWith(VerificationCheck check, DecisionTokenVerifier verifier, string token) =>
        FailsWith(check, verifier, token, Expected);

    private async Task<ApprovalVerificationException> FailsWith(VerificationCheck check, DecisionTokenVerifier verifier, string token, DecisionExpectation expected)
    {
        var ex = await Assert.ThrowsAsync<ApprovalVerificationException>(() => verifier.VerifyAsync(token, expected).AsTask());
        Assert.Equal(check, ex.Check);
        Assert.Equal("apr_1", ex.ApprovalId);
        return ex;
    }

    private string TokenWith(Action<Dictionary<string, object>> change)
    {
        var claims = TokenFactory.Claims(_time.GetUtcNow());
        change(claims);
        return _tokens.Sign(claims);
    }

    [Fact]
    public async Task A_valid_token_passes_and_names_its_approvers()
    {
        var decision = await CreateVerifier().VerifyAsync(TokenWith(_ => { }), Expected);

        Assert.Equal("apr_1", decision.ApprovalId);
        var approver = Assert.Single(decision.Approvers);
        Assert.Equal("alice", approver.Subject);
        Assert.Equal("Alice", approver.Name);
    }

    [Fact]
    public async Task Issuer_with_or_without_trailing_slash_is_the_same_backend()
    {
        var token = TokenWith(c => c["iss"] = "https://approvals.example.com/");
        var decision = await CreateVerifier().VerifyAsync(token, Expected);
        Assert.Equal("apr_1", decision.ApprovalId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("a.b")]
    public async Task Malformed_tokens_fail_the_malformed_check(string token)
        => await FailsWith(VerificationCheck.Malformed, token);

    [Fact]
    public async Task Token_signed_by_another_key_with_the_same_kid_fails_the_signature_check()
    {
        var forger = _tokens.NewKey("key-1");
        var token = _tokens.Sign(TokenFactory.Claims(_time.GetUtcNow()), forger);
        await FailsWith(VerificationCheck.Signature, token);
    }

    [Fact]
    public async Task Tampered_payload_fails_the_signature_check()
    {
        var parts = TokenWith(_ => { }).Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1]));
        var forged = Base64UrlEncoder.Encode(payload.Replace("\"sha256:abc\"", "\"sha256:abd\"", StringComparison.Ordinal));
        await FailsWith(VerificationCheck.Signature, $"{parts[0]}.{forged}.{parts[2]}");
    }

    [Fact]
    public async Task Unknown_kid_refetches_the_keys_once_and_then_fails()
    {
        var stranger = _tokens.NewKey("key-unknown");
        var verifier = CreateVerifier();
        await verifier.VerifyAsync(TokenWith(_ => { }), Expected);
        Assert.Equal(1, _client.Fetches);

        await FailsWith(VerificationCheck.Signature, verifier, _tokens.Sign(TokenFactory.Claims(_time.GetUtcNow()), stranger));
        await FailsWith(VerificationCheck.Signature, verifier, _tokens.Sign(TokenFactory.Claims(_time.GetUtcNow()), stranger));

        // The unknown kid refetches once; the same kid again within the refresh interval must not hammer the backend.
        Assert.Equal(2, _client.Fetches);
    }

    [Fact]
    public async Task A_rotated_key_is_picked_up_by_refetching_on_unknown_kid()
    {
        var verifier = CreateVerifier();
        await verifier.VerifyAsync(TokenWith(_ => { }), Expected);

        var old = _tokens.Key;
        _tokens.Rotate("key-2");
        _client.Jwks = TokenFactory.Jwks(old, _tokens.Key);

        var decision = await verifier.VerifyAsync(TokenWith(_ => { }), Expected);
        Assert.Equal("apr_1", decision.ApprovalId);
        Assert.Equal(2, _client.Fetches);
    }

    [Fact]
    public async Task Unsigned_token_fails_the_algorithm_check()
    {
        var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"key-1\"}");
        var payload = TokenWith(_ => { }).Split('.')[1];
        await FailsWith(VerificationCheck.Algorithm, $"{header}.{payload}.");
    }

    [Fact]
    public async Task Symmetric_token_fails_the_algorithm_check()
    {
        var hmac = new SymmetricSecurityKey(new byte[32]) { KeyId = "key-1" };
        await FailsWith(VerificationCheck.Algorithm, _tokens.Sign(TokenFactory.Claims(_time.GetUtcNow()), hmac, SecurityAlgorithms.HmacSha256));
    }

    [Fact]
    public async Task Another_issuer_fails_the_issuer_check()
        => await FailsWith(VerificationCheck.Issuer, TokenWith(c => c["iss"] = "https://evil.example.com"));

    [Fact]
    public async Task Another_agent_fails_the_audience_check()
        => await FailsWith(VerificationCheck.Audience, TokenWith(c => c["aud"] = "agent-2"));

    [Fact]
    public async Task Several_audiences_fail_the_audience_check()
        => await FailsWith(VerificationCheck.Audience, TokenWith(c => c["aud"] = new List<object> { "agent-1", "agent-2" }));

    [Fact]
    public async Task Expired_token_fails_the_lifetime_check()
    {
        var token = TokenWith(_ => { });
        _time.Advance(TimeSpan.FromMinutes(3));
        await FailsWith(VerificationCheck.Lifetime, token);
    }

    [Fact]
    public async Task Token_living_longer_than_five_minutes_fails_the_lifetime_check()
        => await FailsWith(VerificationCheck.Lifetime, TokenWith(c => c["exp"] = _time.GetUtcNow().AddMinutes(6).ToUnixTimeSeconds()));

    [Fact]
    public async Task Token_from_the_future_fails_the_lifetime_check()
        => await FailsWith(VerificationCheck.Lifetime, TokenWith(c =>
        {
            c["iat"] = _time.GetUtcNow().AddMinutes(2).ToUnixTimeSeconds();
            c["nbf"] = _time.GetUtcNow().AddMinutes(2).ToUnixTimeSeconds();
            c["exp"] = _time.GetUtcNow().AddMinutes(4).ToUnixTimeSeconds();
        }));

    [Fact]
    public async Task Token_without_exp_fails_the_lifetime_check()
        => await FailsWith(VerificationCheck.Lifetime, TokenWith(c => c.Remove("exp")));

    [Fact]
    public async Task Token_for_another_approval_fails_the_subject_check()
        => await FailsWith(VerificationCheck.Subject, TokenWith(c => c["sub"] = "apr_2"));

    [Fact]
    public async Task Token_for_other_arguments_fails_the_hash_check()
        => await FailsWith(VerificationCheck.ActionHash, TokenWith(c => c["ag_hash"] = "sha256:abd"));

    [Fact]
    public async Task Token_without_hash_fails_the_hash_check()
        => await FailsWith(VerificationCheck.ActionHash, TokenWith(c => c.Remove("ag_hash")));

    [Fact]
    public async Task Token_given_for_a_changed_request_fails_the_request_check()
        => await FailsWith(VerificationCheck.Request, TokenWith(c => c["ag_request"] = "sha256:" + new string('f', 64)));

    [Fact]
    public async Task Token_without_request_digest_fails_the_request_check()
        => await FailsWith(VerificationCheck.Request, TokenWith(c => c.Remove("ag_request")));

    [Fact]
    public async Task Token_with_a_non_string_request_digest_fails_the_request_check()
        => await FailsWith(VerificationCheck.Request, TokenWith(c => c["ag_request"] = 42));

    [Fact]
    public async Task Token_for_another_action_fails_the_action_check()
    {
        await FailsWith(VerificationCheck.Action, TokenWith(c => c["ag_name"] = "Exporter.Delete"));
        await FailsWith(VerificationCheck.Action, TokenWith(c => c["ag_kind"] = "permission_change"));
    }

    [Fact]
    public async Task Token_with_another_verdict_fails_the_verdict_check()
        => await FailsWith(VerificationCheck.Verdict, TokenWith(c => c["ag_verdict"] = "denied"));

    [Fact]
    public async Task Token_without_approvers_fails_the_self_approval_check()
        => await FailsWith(VerificationCheck.SelfApproval, TokenWith(c => c["ag_approvers"] = new List<object>()));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Initiator_counted_as_approver_fails_the_self_approval_check(bool listApprovers)
    {
        var ex = await FailsWith(VerificationCheck.SelfApproval, CreateVerifier(), TokenWith(c => c["ag_approvers"] = new List<object>
        {
            new Dictionary<string, object> { ["iss"] = "https://idp.example.com/", ["sub"] = "alice" },
            new Dictionary<string, object> { ["iss"] = "https://idp.example.com/", ["sub"] = "bob", ["name"] = "Not Bob" },
        }), Expected with { ListApprovers = listApprovers });
        Assert.Contains("bob", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Initiator_named_by_the_token_counted_as_approver_fails_the_self_approval_check(bool listApprovers)
        => await FailsWith(VerificationCheck.SelfApproval, CreateVerifier(), TokenWith(c =>
        {
            c["ag_initiator"] = new Dictionary<string, object> { ["iss"] = "https://idp.example.com/", ["sub"] = "alice" };
        }), Expected with { ListApprovers = listApprovers });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Agent_counted_as_approver_fails_the_self_approval_check(bool listApprovers)
        => await FailsWith(VerificationCheck.SelfApproval, CreateVerifier(), TokenWith(c => c["ag_approvers"] = new List<object>
        {
            new Dictionary<string, object> { ["sub"] = "agent-1" },
        }), Expected with { ListApprovers = listApprovers });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Approver_and_initiator_without_issuers_are_the_same_person(bool listApprovers)
        => await FailsWith(VerificationCheck.SelfApproval, CreateVerifier(), TokenWith(c => c["ag_approvers"] = new List<object>
        {
            new Dictionary<string, object> { ["sub"] = "carol", ["iss"] = 42 },
        }), Expected with { Initiator = new ApprovalParty { Subject = "carol" }, ListApprovers = listApprovers });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_missing_and_an_empty_issuer_are_the_same_for_the_token_initiator(bool listApprovers)
        => await FailsWith(VerificationCheck.SelfApproval, CreateVerifier(), TokenWith(c =>
        {
            c["ag_initiator"] = new Dictionary<string, object> { ["sub"] = "alice" };
            c["ag_approvers"] = new List<object> { new Dictionary<string, object> { ["iss"] = "", ["sub"] = "alice" } };
        }), Expected with { ListApprovers = listApprovers });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_same_subject_at_another_issuer_is_another_person(bool listApprovers)
    {
        var token = TokenWith(c =>
        {
            c["ag_initiator"] = new Dictionary<string, object> { ["iss"] = "https://idp.example.com/", ["sub"] = "alice" };
            c["ag_approvers"] = new List<object>
            {
                new Dictionary<string, object> { ["iss"] = "https://other-idp.example.com/", ["sub"] = "alice" },
                new Dictionary<string, object> { ["iss"] = "https://other-idp.example.com/", ["sub"] = "bob" },
                new Dictionary<string, object> { ["sub"] = "carol" },
            };
        });

        var decision = await CreateVerifier().VerifyAsync(token, Expected with { ListApprovers = listApprovers });

        Assert.Equal(listApprovers ? 3 : 0, decision.Approvers.Count);
    }

    [Theory]
    [InlineData("https://IDP.example.com")]
    [InlineData("HTTPS://idp.example.com//")]
    [InlineData(" https://idp.example.com/")]
    public async Task The_initiator_with_the_issuer_spelled_another_way_is_the_same_person(string issuer)
        => await FailsWith(VerificationCheck.SelfApproval, CreateVerifier(), TokenWith(c => c["ag_approvers"] = new List<object>
        {
            new Dictionary<string, object> { ["iss"] = issuer, ["sub"] = "bob" },
        }), Expected);

    [Fact]
    public async Task An_approver_named_without_issuer_with_the_initiators_subject_is_the_initiator()
        => await FailsWith(VerificationCheck.SelfApproval, CreateVerifier(), TokenWith(c => c["ag_approvers"] = new List<object>
        {
            new Dictionary<string, object> { ["sub"] = "bob" },
        }), Expected);

    [Fact]
    public async Task An_approver_with_the_initiators_email_at_another_issuer_is_the_initiator()
        => await FailsWith(VerificationCheck.SelfApproval, CreateVerifier(), TokenWith(c => c["ag_approvers"] = new List<object>
        {
            new Dictionary<string, object> { ["iss"] = "https://other-idp.example.com/", ["sub"] = "b.smith", ["email"] = "Bob@Example.com" },
        }), Expected with { Initiator = new ApprovalParty { Issuer = "https://idp.example.com/", Subject = "bob", Email = "bob@example.com " } });

    [Fact]
    public async Task An_approver_linked_to_the_token_initiator_is_the_initiator()
        => await FailsWith(VerificationCheck.SelfApproval, CreateVerifier(), TokenWith(c =>
        {
            c["ag_initiator"] = new Dictionary<string, object> { ["iss"] = "https://idp.example.com/", ["sub"] = "bob", ["person"] = "robert" };
            c["ag_approvers"] = new List<object>
            {
                new Dictionary<string, object> { ["iss"] = "https://other-idp.example.com/", ["sub"] = "rsmith", ["person"] = "robert" },
            };
        }), Expected);

    [Fact]
    public async Task Unlisted_approvers_are_checked_but_not_returned()
    {
        var verifier = CreateVerifier();
        await FailsWith(VerificationCheck.SelfApproval, verifier, TokenWith(c => c["ag_approvers"] = new List<object> { new Dictionary<string, object> { ["sub"] = "" } }), Expected with { ListApprovers = false });

        var decision = await verifier.VerifyAsync(TokenWith(_ => { }), Expected with { ListApprovers = false });

        Assert.Equal("apr_1", decision.ApprovalId);
        Assert.Empty(decision.Approvers);
    }

    [Fact]
    public async Task A_token_is_accepted_once_and_its_replay_refused()
    {
        var verifier = CreateVerifier();
        var token = TokenWith(_ => { });
        await verifier.VerifyAsync(token, Expected);
        await FailsWith(VerificationCheck.Replay, verifier, token);
    }

    [Fact]
    public async Task A_token_that_fails_a_check_does_not_spend_its_jti()
    {
        var verifier = CreateVerifier();
        var claims = TokenFactory.Claims(_time.GetUtcNow());
        claims["ag_hash"] = "sha256:wrong";
        await FailsWith(VerificationCheck.ActionHash, verifier, _tokens.Sign(claims));

        claims["ag_hash"] = "sha256:abc";
        var decision = await verifier.VerifyAsync(_tokens.Sign(claims), Expected);
        Assert.Equal(claims["jti"], decision.TokenId);
    }

    [Fact]
    public async Task Token_without_jti_fails_the_replay_check()
        => await FailsWith(VerificationCheck.Replay, TokenWith(c => c.Remove("jti")));

    public void Dispose() => _tokens.Dispose();

    [Fact]
    public void Replay_cache_forgets_entries_after_they_expire()
    {
        var cache = new JtiReplayCache(_time);
        Assert.True(cache.TryUse("a", _time.GetUtcNow().AddMinutes(1)));
        Assert.False(cache.TryUse("a", _time.GetUtcNow().AddMinutes(1)));
        _time.Advance(TimeSpan.FromMinutes(2));
        cache.Purge();
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Replay_cache_purges_after_as_many_adds_as_entries_it_kept()
    {
        var cache = new JtiReplayCache(_time);
        for (var i = 0; i < 2048; i++)
        {
            Assert.True(cache.TryUse("old-" + i, _time.GetUtcNow().AddMinutes(1)));
        }

        _time.Advance(TimeSpan.FromMinutes(2));
        for (var i = 0; i < 1024; i++)
        {
            Assert.True(cache.TryUse("new-" + i, _time.GetUtcNow().AddMinutes(10)));
        }

        // 2048 entries were live at the last purge, so the expired ones wait for 2048 more adds, not 1024.
        Assert.Equal(3072, cache.Count);
        for (var i = 1024; i < 2048; i++)
        {
            Assert.True(cache.TryUse("new-" + i, _time.GetUtcNow().AddMinutes(10)));
        }

        Assert.Equal(2048, cache.Count);
        Assert.False(cache.TryUse("new-0", _time.GetUtcNow().AddMinutes(10)));
    }
}
