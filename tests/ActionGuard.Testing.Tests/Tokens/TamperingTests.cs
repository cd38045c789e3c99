using System.Security.Cryptography;
using System.Text.Json;
using ActionGuard.Testing.Tests.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Testing.Tests.Tokens;

public sealed class TamperingTests
{
    private static async Task<(string Token, string Jwks)> IssueAsync(InMemoryApprovalBackend backend)
    {
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var claim = await client.ClaimAsync((await client.CreateAsync()).Id);
        return (claim.DecisionToken, await client.GetSigningKeysAsync());
    }

    [Fact]
    public async Task Hook_changes_claims_and_the_token_is_still_validly_signed()
    {
        using var backend = new InMemoryApprovalBackend();
        backend.OnIssuingToken(c =>
        {
            c.Audience = "someone-else";
            c.ActionHash = "sha256:" + new string('0', 64);
            c.Verdict = "denied";
            c.Kind = ActionKind.PermissionChange;
            c.Name = "grant_admin";
            c.Subject = "apr_other";
        });

        var (token, jwks) = await IssueAsync(backend);
        var payload = TokenAssertions.Payload(token);
        var result = await TokenAssertions.ValidateAsync(token, jwks, backend.TokenIssuer, "someone-else");

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("sha256:" + new string('0', 64), payload.GetProperty("ag_hash").GetString());
        Assert.Equal("denied", payload.GetProperty("ag_verdict").GetString());
        Assert.Equal(ActionKind.PermissionChange, payload.GetProperty("ag_kind").GetString());
        Assert.Equal("grant_admin", payload.GetProperty("ag_name").GetString());
        Assert.Equal("apr_other", payload.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task Hook_can_leave_claims_out()
    {
        using var backend = new InMemoryApprovalBackend();
        backend.OnIssuingToken(c =>
        {
            c.Expires = null;
            c.Id = null;
            c.OmitApprovers = true;
            c.Initiator = null;
        });

        var (token, _) = await IssueAsync(backend);
        var payload = TokenAssertions.Payload(token);

        Assert.False(payload.TryGetProperty("exp", out _));
        Assert.False(payload.TryGetProperty("jti", out _));
        Assert.False(payload.TryGetProperty("ag_approvers", out _));
        Assert.False(payload.TryGetProperty("ag_initiator", out _));
        Assert.True(payload.TryGetProperty("iat", out _));
    }

    [Fact]
    public async Task Hook_can_write_an_expired_or_too_long_lived_token()
    {
        var time = new FakeTimeProvider();
        using var backend = new InMemoryApprovalBackend(new InMemoryApprovalBackendOptions { TimeProvider = time });
        var now = time.GetUtcNow();
        backend.OnIssuingToken(c =>
        {
            c.NotBefore = now.AddHours(1);
            c.Expires = now.AddMinutes(-1);
        });

        var (token, _) = await IssueAsync(backend);
        var payload = TokenAssertions.Payload(token);

        Assert.Equal(now.AddHours(1).ToUnixTimeSeconds(), payload.GetProperty("nbf").GetInt64());
        Assert.Equal(now.AddMinutes(-1).ToUnixTimeSeconds(), payload.GetProperty("exp").GetInt64());
    }

    [Fact]
    public async Task Hook_can_add_the_initiator_as_approver()
    {
        using var backend = new InMemoryApprovalBackend();
        backend.OnIssuingToken(c => c.Approvers.Add(c.Initiator!));

        var (token, _) = await IssueAsync(backend);
        var subjects = TokenAssertions.Payload(token).GetProperty("ag_approvers").EnumerateArray()
            .Select(a => a.GetProperty("sub").GetString()).ToList();

        Assert.Equal(["alice", "carol"], subjects);
    }

    [Fact]
    public async Task Signing_with_a_foreign_key_fails_verification_against_the_jwks()
    {
        using var foreign = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var backend = new InMemoryApprovalBackend();
        var publishedKid = backend.SigningKeyIds[0];
        backend.OnIssuingToken(c => c.SignWith = new SigningCredentials(
            new ECDsaSecurityKey(foreign) { KeyId = publishedKid }, SecurityAlgorithms.EcdsaSha256));

        var (token, jwks) = await IssueAsync(backend);
        var result = await TokenAssertions.ValidateAsync(token, jwks, backend.TokenIssuer, "agent-7");

        Assert.Equal(publishedKid, new JsonWebTokenHandler().ReadJsonWebToken(token).Kid);
        Assert.False(result.IsValid);
        Assert.IsAssignableFrom<SecurityTokenInvalidSignatureException>(result.Exception);
    }

    [Fact]
    public async Task Signing_with_another_algorithm_shows_in_the_header()
    {
        using var backend = new InMemoryApprovalBackend();
        var secret = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = "hmac" };
        backend.OnIssuingToken(c => c.SignWith = new SigningCredentials(secret, SecurityAlgorithms.HmacSha256));

        var (token, jwks) = await IssueAsync(backend);
        var result = await TokenAssertions.ValidateAsync(token, jwks, backend.TokenIssuer, "agent-7");

        Assert.Equal(SecurityAlgorithms.HmacSha256, new JsonWebTokenHandler().ReadJsonWebToken(token).Alg);
        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task Announcing_an_unknown_key_id_fails_key_lookup()
    {
        using var backend = new InMemoryApprovalBackend();
        backend.OnIssuingToken(c => c.KeyId = "no-such-key");

        var (token, jwks) = await IssueAsync(backend);
        var result = await TokenAssertions.ValidateAsync(token, jwks, backend.TokenIssuer, "agent-7");

        Assert.Equal("no-such-key", new JsonWebTokenHandler().ReadJsonWebToken(token).Kid);
        Assert.DoesNotContain("no-such-key", backend.SigningKeyIds);
        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenSignatureKeyNotFoundException>(result.Exception);
    }

    [Fact]
    public async Task Null_key_id_leaves_kid_out_of_the_header()
    {
        using var backend = new InMemoryApprovalBackend();
        backend.OnIssuingToken(c => c.KeyId = null);

        var (token, _) = await IssueAsync(backend);
        var header = new JsonWebTokenHandler().ReadJsonWebToken(token);

        Assert.False(header.TryGetHeaderValue<string>("kid", out _));
    }

    [Fact]
    public async Task Hooks_run_in_registration_order_and_additional_claims_are_written()
    {
        using var backend = new InMemoryApprovalBackend();
        backend
            .OnIssuingToken(c => c.Name = "first")
            .OnIssuingToken(c => c.Name += "+second")
            .OnIssuingToken(c => c.AdditionalClaims["ag_verdict"] = JsonSerializer.SerializeToElement(new[] { "approved" }));

        var (token, _) = await IssueAsync(backend);
        var payload = TokenAssertions.Payload(token);

        Assert.Equal("first+second", payload.GetProperty("ag_name").GetString());
        Assert.Equal(JsonValueKind.Array, payload.GetProperty("ag_verdict").ValueKind);
        Assert.Equal("first+second", Assert.Single(backend.Claims).Claims.Name);
    }
}
