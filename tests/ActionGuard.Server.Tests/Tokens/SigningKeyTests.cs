using System.Text.Json.Nodes;
using ActionGuard.Server.Tests.TestSupport;
using ActionGuard.Server.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ActionGuard.Server.Tests.Tokens;

public sealed class SigningKeyTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private TestOidcIssuer Idp => fixture.Idp;

    [Fact]
    public async Task Rotation_signs_with_the_new_key_and_keeps_the_old_one_published_until_its_tokens_expire()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = ServerHost.StartInMemory(Idp, timeProvider: time);
        using var anyone = host.CreateClient();
        var oldKid = (string)(await Api.GetAsync(anyone, ".well-known/jwks.json")).Json["keys"]![0]!["kid"]!;

        var newKid = await host.Services.GetRequiredService<ServerSigningKeys>().RotateAsync();

        var keys = (await Api.GetAsync(anyone, ".well-known/jwks.json")).Json["keys"]!.AsArray().Select(k => (string)k!["kid"]!).ToList();
        Assert.Equal([newKid, oldKid], keys);

        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var alice = host.CreateClient(Idp.IssueToken("alice", now: time.GetUtcNow()));
        var id = await Api.CreatePendingAsync(agent);
        await Api.DecideAsync(alice, id);
        var token = new JsonWebToken((string)(await Api.ClaimAsync(agent, id)).Json["decisionToken"]!);
        Assert.Equal(newKid, token.Kid);

        time.Advance(TimeSpan.FromMinutes(4));
        keys = (await Api.GetAsync(anyone, ".well-known/jwks.json")).Json["keys"]!.AsArray().Select(k => (string)k!["kid"]!).ToList();
        Assert.Equal([newKid], keys);
    }
}
