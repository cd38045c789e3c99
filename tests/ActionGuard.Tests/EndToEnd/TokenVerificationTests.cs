using System.Security.Cryptography;
using ActionGuard.Client;
using ActionGuard.Testing;
using ActionGuard.Tests.TestSupport;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Tests.EndToEnd;

public sealed class TokenVerificationTests
{
    public static TheoryData<string> Tamperings => new()
    {
        nameof(VerificationCheck.Signature),
        nameof(VerificationCheck.Audience),
        nameof(VerificationCheck.ActionHash),
        nameof(VerificationCheck.Issuer),
        nameof(VerificationCheck.Lifetime),
        nameof(VerificationCheck.Subject),
        nameof(VerificationCheck.Action),
    };

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task Tampered_decision_token_is_refused_and_the_target_never_runs(string check)
    {
        var expected = Enum.Parse<VerificationCheck>(check);
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        using var foreignKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        server.Backend.OnIssuingToken(claims => Tamper(claims, expected, foreignKey, server.Backend.SigningKeyIds[^1]));
        await using var agent = TestAgent.Create(server);

        var ex = await Assert.ThrowsAsync<ApprovalVerificationException>(() => agent.ExportAsync());

        Assert.Equal(expected, ex.Check);
        var approval = server.Backend.Approvals.Single();
        Assert.Equal(approval.Id, ex.ApprovalId);
        Assert.Equal(0, agent.Log.Count);

        // The claim spent the approval; the backend hears that the action was not run, and why.
        Assert.Equal(ApprovalStatus.Failed, approval.Status);
        Assert.Contains(check, server.Backend.Outcomes[approval.Id].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_listing_the_initiator_as_approver_is_refused_as_self_approval()
    {
        var carol = TestIdentities.Person("carol@example.com");
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        server.Backend.OnIssuingToken(claims => claims.Approvers.Add(carol));
        await using var agent = TestAgent.Create(server);

        var ex = await Assert.ThrowsAsync<ApprovalVerificationException>(
            () => agent.RunAsync(new GuardedAction(ActionKind.PermissionChange, "grant-admin") { Initiator = carol }));

        Assert.Equal(VerificationCheck.SelfApproval, ex.Check);
        Assert.Equal(0, agent.Log.Count);
        Assert.Equal("carol@example.com", server.Backend.Approvals.Single().Initiator?.Subject);
    }

    [Fact]
    public async Task Token_listing_the_agent_itself_as_approver_is_refused_as_self_approval()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        server.Backend.OnIssuingToken(claims =>
        {
            claims.Approvers.Clear();
            claims.Approvers.Add(new ApprovalParty { Issuer = "https://workload.test/", Subject = "agent-a" });
        });
        await using var agent = TestAgent.Create(server);

        var ex = await Assert.ThrowsAsync<ApprovalVerificationException>(() => agent.ExportAsync());

        Assert.Equal(VerificationCheck.SelfApproval, ex.Check);
        Assert.Equal(0, agent.Log.Count);
    }

    [Fact]
    public async Task Replayed_jti_is_refused_on_the_second_approval()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        server.Backend.OnIssuingToken(claims => claims.Id = "jti-reused-by-a-broken-backend");
        await using var agent = TestAgent.Create(server);

        Assert.Equal(Exporter.RowsExported, await agent.ExportAsync());
        var ex = await Assert.ThrowsAsync<ApprovalVerificationException>(() => agent.ExportAsync());

        Assert.Equal(VerificationCheck.Replay, ex.Check);
        Assert.Equal(1, agent.Log.Count);
        var approvals = server.Backend.Approvals;
        Assert.Equal(2, approvals.Count);
        Assert.Equal(approvals[1].Id, ex.ApprovalId);
        Assert.Equal([ApprovalStatus.Succeeded, ApprovalStatus.Failed], approvals.Select(a => a.Status));
        Assert.All(server.Backend.Claims, c => Assert.Equal("jti-reused-by-a-broken-backend", c.Claims.Id));
    }

    [Fact]
    public async Task Key_rotation_between_two_calls_refetches_the_signing_keys()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        await using var agent = TestAgent.Create(server);

        Assert.Equal(Exporter.RowsExported, await agent.ExportAsync());
        var firstKey = server.Backend.SigningKeyIds.Single();
        var secondKey = server.Backend.RotateSigningKey();
        Assert.Equal(Exporter.RowsExported, await agent.ExportAsync());
        Assert.Equal(Exporter.RowsExported, await agent.ExportAsync());

        Assert.Equal(3, agent.Log.Count);
        Assert.Equal(2, server.CountRequests(ProtocolEndpoint.SigningKeys));
        Assert.Equal([firstKey, secondKey, secondKey], server.Backend.Claims.Select(c => c.Claims.KeyId));
    }

    [Fact]
    public async Task Token_signed_by_a_foreign_key_with_an_unknown_kid_is_refused_after_one_refetch()
    {
        await using var server = await ProtocolTestServer.StartAsync();
        server.Backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
        using var foreignKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        server.Backend.OnIssuingToken(claims => claims.SignWith = new SigningCredentials(
            new ECDsaSecurityKey(foreignKey) { KeyId = "attacker-key" }, SecurityAlgorithms.EcdsaSha256));
        await using var agent = TestAgent.Create(server);

        var ex = await Assert.ThrowsAsync<ApprovalVerificationException>(() => agent.ExportAsync());

        Assert.Equal(VerificationCheck.Signature, ex.Check);
        Assert.Contains("attacker-key", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.CountRequests(ProtocolEndpoint.SigningKeys));
        Assert.Equal(0, agent.Log.Count);
    }

    private static void Tamper(DecisionTokenClaims claims, VerificationCheck check, ECDsa foreignKey, string backendKeyId)
    {
        switch (check)
        {
            case VerificationCheck.Signature:
                // The forger even names the backend's real key id: only the signature gives it away.
                claims.SignWith = new SigningCredentials(new ECDsaSecurityKey(foreignKey) { KeyId = backendKeyId }, SecurityAlgorithms.EcdsaSha256);
                break;
            case VerificationCheck.Audience:
                claims.Audience = "agent-b";
                break;
            case VerificationCheck.ActionHash:
                claims.ActionHash = "sha256:" + new string('0', 64);
                break;
            case VerificationCheck.Issuer:
                claims.Issuer = "https://evil.example";
                break;
            case VerificationCheck.Lifetime:
                var issued = DateTimeOffset.UtcNow.AddMinutes(-10);
                claims.IssuedAt = issued;
                claims.NotBefore = issued;
                claims.Expires = issued.AddMinutes(4);
                break;
            case VerificationCheck.Subject:
                claims.Subject = "apr_another_approval";
                break;
            case VerificationCheck.Action:
                claims.Name = "IExporter.DeleteEverythingAsync";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(check), check, null);
        }
    }
}
