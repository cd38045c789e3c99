using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Testing.Tests.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Testing.Tests.Tokens;

public sealed class DecisionTokenTests
{
    [Fact]
    public async Task Token_payload_carries_every_protocol_claim_with_json_arrays_and_objects()
    {
        var time = new FakeTimeProvider();
        using var backend = new InMemoryApprovalBackend(new InMemoryApprovalBackendOptions { TimeProvider = time });
        backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        var client = backend.CreateClient("agent-7");
        var request = TestRequests.Export(TestRequests.Carol);

        var approval = await client.CreateApprovalAsync(request, TestRequests.NewKey());
        time.Advance(TimeSpan.FromSeconds(3));
        var claimedAt = time.GetUtcNow().ToUnixTimeSeconds();
        var claim = await client.ClaimAsync(approval.Id);

        var payload = TokenAssertions.Payload(claim.DecisionToken);
        Assert.Equal("https://actionguard.test", payload.GetProperty("iss").GetString());
        Assert.Equal("agent-7", payload.GetProperty("aud").GetString());
        Assert.Equal(approval.Id, payload.GetProperty("sub").GetString());
        Assert.False(string.IsNullOrEmpty(payload.GetProperty("jti").GetString()));
        Assert.Equal(claimedAt, payload.GetProperty("iat").GetInt64());
        Assert.Equal(claimedAt, payload.GetProperty("nbf").GetInt64());
        Assert.Equal(claimedAt + 120, payload.GetProperty("exp").GetInt64());
        Assert.Equal(request.ActionHash, payload.GetProperty("ag_hash").GetString());
        Assert.Equal(ActionKind.DataExport, payload.GetProperty("ag_kind").GetString());
        Assert.Equal("export_customers", payload.GetProperty("ag_name").GetString());
        Assert.Equal("approved", payload.GetProperty("ag_verdict").GetString());

        var approvers = payload.GetProperty("ag_approvers");
        Assert.Equal(JsonValueKind.Array, approvers.ValueKind);
        var approver = Assert.Single(approvers.EnumerateArray().ToList());
        Assert.Equal(JsonValueKind.Object, approver.ValueKind);
        Assert.Equal("https://idp.test/", approver.GetProperty("iss").GetString());
        Assert.Equal("alice@example.com", approver.GetProperty("sub").GetString());
        Assert.Equal("alice@example.com", approver.GetProperty("name").GetString());

        var initiator = payload.GetProperty("ag_initiator");
        Assert.Equal(JsonValueKind.Object, initiator.ValueKind);
        Assert.Equal("https://idp.test/", initiator.GetProperty("iss").GetString());
        Assert.Equal("carol", initiator.GetProperty("sub").GetString());
        Assert.False(initiator.TryGetProperty("name", out _));
    }

    [Fact]
    public async Task Token_verifies_against_the_published_jwks_with_issuer_and_audience()
    {
        using var backend = new InMemoryApprovalBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();
        var claim = await client.ClaimAsync(approval.Id);
        var jwks = await client.GetSigningKeysAsync();

        var valid = await TokenAssertions.ValidateAsync(claim.DecisionToken, jwks, "https://actionguard.test", "agent-7");
        var otherAudience = await TokenAssertions.ValidateAsync(claim.DecisionToken, jwks, "https://actionguard.test", "agent-8");
        var otherIssuer = await TokenAssertions.ValidateAsync(claim.DecisionToken, jwks, "https://actionguard.test/", "agent-7");

        Assert.True(valid.IsValid, valid.Exception?.Message);
        Assert.False(otherAudience.IsValid);
        Assert.IsType<SecurityTokenInvalidAudienceException>(otherAudience.Exception);
        Assert.False(otherIssuer.IsValid);
        Assert.IsType<SecurityTokenInvalidIssuerException>(otherIssuer.Exception);
    }

    [Fact]
    public async Task Token_header_names_ES256_and_the_current_key()
    {
        using var backend = new InMemoryApprovalBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var claim = await client.ClaimAsync((await client.CreateAsync()).Id);

        var jwt = new JsonWebTokenHandler().ReadJsonWebToken(claim.DecisionToken);

        Assert.Equal(SecurityAlgorithms.EcdsaSha256, jwt.Alg);
        Assert.Equal(Assert.Single(backend.SigningKeyIds), jwt.Kid);
    }

    [Fact]
    public async Task Jwks_publishes_the_p256_public_key_only()
    {
        using var backend = new InMemoryApprovalBackend();
        var jwks = await backend.CreateClient("agent-7").GetSigningKeysAsync();

        using var document = JsonDocument.Parse(jwks);
        var key = Assert.Single(document.RootElement.GetProperty("keys").EnumerateArray().ToList());
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.Equal("P-256", key.GetProperty("crv").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.Equal("ES256", key.GetProperty("alg").GetString());
        Assert.Equal(backend.SigningKeyIds[0], key.GetProperty("kid").GetString());
        Assert.Equal(32, Base64UrlEncoder.DecodeBytes(key.GetProperty("x").GetString()).Length);
        Assert.Equal(32, Base64UrlEncoder.DecodeBytes(key.GetProperty("y").GetString()).Length);
        Assert.False(key.TryGetProperty("d", out _));
    }

    [Fact]
    public async Task Every_token_has_its_own_jti()
    {
        using var backend = new InMemoryApprovalBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 5; i++)
        {
            var claim = await client.ClaimAsync((await client.CreateAsync()).Id);
            Assert.True(ids.Add(TokenAssertions.Payload(claim.DecisionToken).GetProperty("jti").GetString()!));
        }
    }

    [Fact]
    public async Task Approvers_claim_lists_exactly_the_people_that_met_the_threshold()
    {
        using var backend = new InMemoryApprovalBackend();
        backend.When(_ => true).RequiringApprovals(2).RespondWith(ApprovalScript.Approve("alice", "bob", "dave"));
        var client = backend.CreateClient("agent-7");
        var claim = await client.ClaimAsync((await client.CreateAsync()).Id);

        var subjects = TokenAssertions.Payload(claim.DecisionToken).GetProperty("ag_approvers")
            .EnumerateArray().Select(a => a.GetProperty("sub").GetString()).ToList();

        Assert.Equal(["alice", "bob"], subjects);
    }

    [Fact]
    public async Task Policy_approval_names_the_policy_rule_as_approver()
    {
        using var backend = new InMemoryApprovalBackend();
        backend.When(_ => true).Named("read-only-exports").RespondWith(ApprovalScript.Approve());
        var client = backend.CreateClient("agent-7");
        var claim = await client.ClaimAsync((await client.CreateAsync()).Id);

        var approver = Assert.Single(TokenAssertions.Payload(claim.DecisionToken).GetProperty("ag_approvers").EnumerateArray().ToList());

        Assert.Equal("policy:read-only-exports", approver.GetProperty("sub").GetString());
        Assert.Equal("https://actionguard.test", approver.GetProperty("iss").GetString());
    }

    [Fact]
    public async Task Token_without_initiator_has_no_initiator_claim()
    {
        using var backend = new InMemoryApprovalBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var claim = await client.ClaimAsync((await client.CreateAsync(TestRequests.Export(initiator: null))).Id);

        Assert.False(TokenAssertions.Payload(claim.DecisionToken).TryGetProperty("ag_initiator", out _));
    }

    [Fact]
    public async Task Custom_issuer_and_token_lifetime_are_used()
    {
        var time = new FakeTimeProvider();
        using var backend = new InMemoryApprovalBackend(new InMemoryApprovalBackendOptions
        {
            Issuer = new Uri("https://approvals.example.com/"),
            TokenLifetime = TimeSpan.FromMinutes(5),
            TimeProvider = time,
        });
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var claim = await client.ClaimAsync((await client.CreateAsync()).Id);

        var payload = TokenAssertions.Payload(claim.DecisionToken);

        Assert.Equal("https://approvals.example.com", payload.GetProperty("iss").GetString());
        Assert.Equal(300, payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64());
    }

    [Fact]
    public void Token_lifetime_over_five_minutes_is_refused()
    {
        var options = new InMemoryApprovalBackendOptions { TokenLifetime = TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1) };

        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryApprovalBackend(options));
    }

    [Fact]
    public async Task Recorded_claim_holds_the_token_and_its_claims()
    {
        using var backend = new InMemoryApprovalBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();
        var claim = await client.ClaimAsync(approval.Id);

        var recorded = Assert.Single(backend.Claims);

        Assert.Equal(approval.Id, recorded.ApprovalId);
        Assert.Equal("agent-7", recorded.AgentId);
        Assert.Equal(claim.DecisionToken, recorded.DecisionToken);
        Assert.Equal(approval.Id, recorded.Claims.Subject);
        Assert.Equal(1, backend.ClaimCount);
    }
}
