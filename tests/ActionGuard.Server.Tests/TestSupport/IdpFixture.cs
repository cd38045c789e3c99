namespace ActionGuard.Server.Tests.TestSupport;

// One test OIDC issuer per test class.
public sealed class IdpFixture : IAsyncLifetime
{
    public TestOidcIssuer Idp { get; private set; } = null!;

    public async Task InitializeAsync() => Idp = await TestOidcIssuer.StartAsync();

    public async Task DisposeAsync() => await Idp.DisposeAsync();
}
