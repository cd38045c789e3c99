using System.Text.Json;
using ActionGuard.Testing.Tests.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ActionGuard.Testing.Tests.Tokens;

public sealed class KeyRotationTests
{
    [Fact]
    public async Task Rotation_signs_with_the_new_key_and_keeps_the_old_one_published()
    {
        using var backend = new InMemoryApprovalBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var oldKid = backend.SigningKeyIds[0];
        var before = await client.ClaimAsync((await client.CreateAsync()).Id);

        var newKid = backend.RotateSigningKey();
        var after = await client.ClaimAsync((await client.CreateAsync()).Id);
        var jwks = await client.GetSigningKeysAsync();

        Assert.NotEqual(oldKid, newKid);
        Assert.Equal([oldKid, newKid], backend.SigningKeyIds);
        using var document = JsonDocument.Parse(jwks);
        var published = document.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()).ToList();
        Assert.Contains(oldKid, published);
        Assert.Contains(newKid, published);

        var handler = new JsonWebTokenHandler();
        Assert.Equal(oldKid, handler.ReadJsonWebToken(before.DecisionToken).Kid);
        Assert.Equal(newKid, handler.ReadJsonWebToken(after.DecisionToken).Kid);
        Assert.True((await TokenAssertions.ValidateAsync(before.DecisionToken, jwks, backend.TokenIssuer, "agent-7")).IsValid);
        Assert.True((await TokenAssertions.ValidateAsync(after.DecisionToken, jwks, backend.TokenIssuer, "agent-7")).IsValid);
    }
}
