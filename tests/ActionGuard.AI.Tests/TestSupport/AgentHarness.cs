using ActionGuard.Client;
using ActionGuard.Testing;
using ActionGuard.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ActionGuard.AI.Tests.TestSupport;

/// <summary>An agent's services with ActionGuard on an in-memory backend.</summary>
internal sealed class AgentHarness : IDisposable
{
    private readonly bool _ownsBackend;

    /// <param name="configure">Further options.</param>
    /// <param name="backend">A backend shared with another agent run; by default one of its own.</param>
    /// <param name="pendingApprovals">A folder to keep waiting approvals in, so a later harness on it is the same agent restarted.</param>
    public AgentHarness(Action<ActionGuardOptions>? configure = null, InMemoryApprovalBackend? backend = null, string? pendingApprovals = null)
    {
        _ownsBackend = backend is null;
        Backend = backend ?? new InMemoryApprovalBackend();
        var services = new ServiceCollection();
        var builder = services.AddActionGuard(o =>
        {
            o.AgentId = "support-agent";
            o.DefaultTimeout = TimeSpan.FromSeconds(30);
            configure?.Invoke(o);
        }).UseInMemoryBackend(Backend);
        if (pendingApprovals is not null)
        {
            builder.AddPendingApprovals(o => o.Directory = pendingApprovals);
        }

        Wire = new SeverableApprovalClient(Backend.CreateClient("support-agent"));
        services.Replace(ServiceDescriptor.Singleton<ApprovalClient>(Wire));
        Services = services.BuildServiceProvider();
    }

    public InMemoryApprovalBackend Backend { get; }

    /// <summary>Gets the agent's connection to the backend, which a test can cut.</summary>
    public SeverableApprovalClient Wire { get; }

    public ServiceProvider Services { get; }

    public ExportTools Tools { get; } = new();

    public static ApprovalParty Dana { get; } = new() { Issuer = "https://idp.example.com/", Subject = "dana", Name = "Dana Analyst", Email = "dana@example.com" };

    /// <summary>
    /// Stops the agent's services as its host would on a clean shutdown; outcomes still being reported in the
    /// background are delivered first, so the backend's final state can be read.
    /// </summary>
    public ValueTask ShutDownAsync() => Services.DisposeAsync();

    public void Dispose()
    {
        Services.Dispose();
        if (_ownsBackend)
        {
            Backend.Dispose();
        }
    }
}
