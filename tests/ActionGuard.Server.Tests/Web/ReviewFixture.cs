using ActionGuard.Server.Tests.TestSupport;

namespace ActionGuard.Server.Tests.Web;

// The identity side of the review page tests, one per test class: the API's token issuer (ServerHost's defaults) and the
// OIDC provider approvers sign in at.
public class ReviewFixture : IAsyncLifetime
{
    public TestOidcIssuer Idp { get; private set; } = null!;

    public TestOidcProvider Provider { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Idp = await TestOidcIssuer.StartAsync();
        Provider = await TestOidcProvider.StartAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Provider.DisposeAsync();
        await Idp.DisposeAsync();
    }

    /// <summary>The server on Kestrel with the review page on, approvers signing in at <see cref="Provider"/>.</summary>
    public Task<ServerHost> StartServerAsync(Action<Dictionary<string, string?>>? settings = null, TimeProvider? timeProvider = null) =>
        ServerHost.StartKestrelAsync(Idp, s =>
        {
            s["ActionGuard:Issuers:1:Issuer"] = Provider.Issuer;
            s["ActionGuard:Issuers:1:Audience"] = TestOidcProvider.ApiAudience;
            s["ActionGuard:Issuers:1:RequireHttpsMetadata"] = "false";
            s["ActionGuard:Review:ClientId"] = TestOidcProvider.ClientId;
            s["ActionGuard:Review:Issuer"] = Provider.Issuer;
            settings?.Invoke(s);
        }, timeProvider);
}
