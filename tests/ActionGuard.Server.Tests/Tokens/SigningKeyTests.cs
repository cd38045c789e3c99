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

public sealed class SharedStoreSigningKeyTests : IDisposable
{
    private readonly string _folder = ServerHost.NewDataDirectory();
    private readonly ActionGuard.Server.Store.Sqlite.SqliteStore _store;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public SharedStoreSigningKeyTests()
    {
        _store = new ActionGuard.Server.Store.Sqlite.SqliteStore(_folder);
    }

    [Fact]
    public async Task An_instance_signs_with_a_key_another_instance_rotated_in_once_its_keys_are_stale()
    {
        await _store.InitializeAsync();
        using var first = Keys();
        using var second = Keys();
        await first.InitializeAsync();
        await second.InitializeAsync();
        Assert.Equal(first.Current.KeyId, second.Current.KeyId);

        var rotated = await first.RotateAsync();
        await second.RefreshAsync(ServerSigningKeys.SigningRefreshInterval);
        Assert.NotEqual(rotated, second.Current.KeyId);
        Assert.DoesNotContain(rotated, second.GetJwks(), StringComparison.Ordinal);

        _time.Advance(ServerSigningKeys.SigningRefreshInterval);
        await second.RefreshAsync(ServerSigningKeys.SigningRefreshInterval);

        Assert.Equal(rotated, second.Current.KeyId);
        Assert.Contains(rotated, second.GetJwks(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_fault_during_a_refresh_keeps_the_loaded_keys_and_is_reported()
    {
        await _store.InitializeAsync();
        using var keys = Keys();
        await keys.InitializeAsync();
        var kid = keys.Current.KeyId;
        Exception? reported = null;
        keys.RefreshFailed += ex => reported = ex;

        // The database disappears under the running instance: the next read finds no signing_keys table.
        _store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_folder))
        {
            File.Delete(file);
        }

        _time.Advance(ServerSigningKeys.SigningRefreshInterval);
        await keys.RefreshAsync(ServerSigningKeys.SigningRefreshInterval);

        Assert.NotNull(reported);
        Assert.Equal(kid, keys.Current.KeyId);
    }

    public void Dispose()
    {
        _store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private ServerSigningKeys Keys() =>
        new(_store, Microsoft.Extensions.Options.Options.Create(new ActionGuard.Server.ActionGuardServerOptions()), _time);
}
