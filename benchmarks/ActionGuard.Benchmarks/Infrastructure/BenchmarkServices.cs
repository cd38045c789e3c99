using ActionGuard.Client;
using ActionGuard.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ActionGuard.Benchmarks.Infrastructure;

/// <summary>Container set-ups exactly as an application would write them.</summary>
public static class BenchmarkServices
{
    public const string AgentId = "benchmark-agent";
    public const string Issuer = "https://approvals.benchmark.test";

    /// <summary>The DispatchProxy decorator (<paramref name="proxy"/>) or the hand-written one, over the in-memory backend.</summary>
    public static ServiceProvider WithInMemoryBackend(InMemoryApprovalBackend backend, bool proxy)
    {
        var services = new ServiceCollection();
        var builder = services.AddActionGuard(o => o.AgentId = AgentId).UseInMemoryBackend(backend);
        return Build(services, builder, proxy);
    }

    /// <summary>
    /// The DispatchProxy decorator (<paramref name="proxy"/>) or the hand-written one, over <paramref name="client"/>;
    /// without <paramref name="signatureMaths"/>, the signing keys are <see cref="NoSignatureMathKey"/>s.
    /// </summary>
    public static ServiceProvider WithClient(ApprovalClient client, bool proxy, bool signatureMaths = true)
    {
        var services = new ServiceCollection();
        var builder = services.AddActionGuard(o =>
        {
            o.Endpoint = new Uri(Issuer);
            o.AgentId = AgentId;
        });
        services.Replace(ServiceDescriptor.Singleton(client));
        if (!signatureMaths)
        {
            services.Replace(ServiceDescriptor.Singleton(sp => NoSignatureMathKey.Provider(
                client, sp.GetRequiredService<IOptions<ActionGuardOptions>>(), sp.GetRequiredService<TimeProvider>())));
        }

        return Build(services, builder, proxy);
    }

    private static ServiceProvider Build(ServiceCollection services, IActionGuardBuilder builder, bool proxy)
    {
        if (proxy)
        {
            builder.AddGuardedSingleton<IExporter, Exporter>();
        }
        else
        {
            // The decorator owns its implementation: registering Exporter as itself would expose an unguarded
            // [RequiresApproval] method, which AddActionGuard's registration check refuses at start-up.
            services.AddSingleton<IExporter>(sp => new HandWrittenGuardedExporter(new Exporter(), sp.GetRequiredService<IActionGuard>()));
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>One call before measuring: fetches the signing keys and proves the set-up approves and runs.</summary>
    public static IExporter WarmedUp(ServiceProvider provider)
    {
        var exporter = provider.GetRequiredService<IExporter>();
        var rows = exporter.ExportAsync("reports", "2025/q1.csv", 100).GetAwaiter().GetResult();
        return rows == 100 ? exporter : throw new InvalidOperationException("The guarded call did not return the exporter's result.");
    }
}
