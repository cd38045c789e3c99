using ActionGuard.Server.Tests.TestSupport;

namespace ActionGuard.Server.Tests.Identity;

// Two real OIDC issuers on 127.0.0.1: one for people (approvers), one for agent workloads. They must differ, since the
// server routes a JWT to the workload validator by its `iss`.
public sealed class WorkloadIssuersFixture : IAsyncLifetime
{
    public TestOidcIssuer People { get; private set; } = null!;

    public TestOidcIssuer Workload { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        People = await TestOidcIssuer.StartAsync();
        Workload = await TestOidcIssuer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Workload.DisposeAsync();
        await People.DisposeAsync();
    }
}
