using ActionGuard.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.AI.Tests.TestSupport;

/// <summary>An agent's services with ActionGuard on an in-memory backend.</summary>
internal sealed class AgentHarness : IDisposable
{
    public AgentHarness(Action<ActionGuardOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddActionGuard(o =>
        {
            o.AgentId = "support-agent";
            o.DefaultTimeout = TimeSpan.FromSeconds(30);
            configure?.Invoke(o);
        }).UseInMemoryBackend(Backend);
        Services = services.BuildServiceProvider();
    }

    public InMemoryApprovalBackend Backend { get; } = new();

    public ServiceProvider Services { get; }

    public ExportTools Tools { get; } = new();

    public static ApprovalParty Dana { get; } = new() { Issuer = "https://idp.example.com/", Subject = "dana", Name = "Dana Analyst", Email = "dana@example.com" };

    public void Dispose()
    {
        Services.Dispose();
        Backend.Dispose();
    }
}
