using ActionGuard;
using ActionGuard.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace InfrastructureAgent;

/// <summary>
/// The sample's run: on the in-memory backend, an SRE approves the scale-out and the node-pool recycle and denies the
/// delete. Checks itself; 0 when every guarded mutation behaved.
/// </summary>
public static class InfrastructureStory
{
    /// <summary>Why the delete is denied.</summary>
    public const string DenyReason = "orders-db is stateful; deleting it needs a change ticket.";

    /// <summary>Registers the agent, its guarded cluster client and the (unguarded) node-pool client.</summary>
    public static IActionGuardBuilder AddClusterAgent(this IActionGuardBuilder builder, FakeCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(cluster);
        builder.Services.AddSingleton<INodePools, NodePoolClient>();
        builder.Services.AddScoped<ClusterAgent>();

        // IClusterOperations resolves to a decorator that asks for approval before calling ClusterOperations.
        builder.AddGuardedScoped<IClusterOperations, ClusterOperations>();
        return builder;
    }

    /// <summary>Runs the sample and returns its exit code.</summary>
    public static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var failures = new List<string>();
        void Expect(bool condition, string what)
        {
            output.WriteLine(condition ? $"   ✓ {what}" : $"   ✗ {what}");
            if (!condition)
            {
                failures.Add(what);
            }
        }

        using var backend = new InMemoryApprovalBackend();
        backend.When(a => a.Action.Name.EndsWith(".DeleteAsync", StringComparison.Ordinal))
               .RespondWith(ApprovalScript.Deny("sam.sre@example.com", DenyReason));
        backend.RespondWith(ApprovalScript.Approve("sam.sre@example.com"));

        var cluster = new FakeCluster();
        var services = new ServiceCollection();
        services.AddActionGuard(o => o.AgentId = "infra-agent")
                .UseInMemoryBackend(backend)
                .AddClusterAgent(cluster);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await using var scope = provider.CreateAsyncScope();
        var agent = scope.ServiceProvider.GetRequiredService<ClusterAgent>();
        using var initiator = ActionInitiator.Begin(TestIdentities.Person("olga.oncall@example.com"));

        output.WriteLine("InfrastructureAgent — guarded cluster mutations (in-memory backend; sam.sre@example.com decides)\n");
        var before = await agent.ListAsync("shop", cancellationToken);
        output.WriteLine($"1. list shop (no approval): {string.Join(", ", before.Select(w => $"{w.Key}={w.Value}"))}");

        output.WriteLine("2. scale shop/checkout 3 → 8 ([RequiresApproval] on IClusterOperations.ScaleAsync)");
        await agent.ScaleAsync("shop", "checkout", 8, cancellationToken);
        Expect(cluster.ReplicasOf("shop", "checkout") == 8, "approved, then scaled");

        output.WriteLine("3. delete shop/orders-db ([RequiresApproval] on IClusterOperations.DeleteAsync)");
        try
        {
            await agent.DeleteAsync("shop", "orders-db", cancellationToken);
            Expect(false, "the delete was denied");
        }
        catch (ActionDeniedException ex)
        {
            output.WriteLine($"   {ex.GetType().Name}: {ex.DeniedBy?.Subject}: {ex.Reason}");
            Expect(cluster.ReplicasOf("shop", "orders-db") == 1, "denied, and orders-db still runs");
        }

        output.WriteLine("4. recycle node pool 'general' (IActionGuard.ExecuteAsync around a lambda)");
        await agent.RecycleNodePoolAsync("general", 1, cancellationToken);
        Expect(cluster.Ran.Contains("recycle node pool general (max 1 unavailable)"), "approved, then recycled");

        var resources = backend.Requests.Select(r => r.Request.Action.Resource).ToList();
        Expect(
            resources.SequenceEqual(["k8s://prod/shop/checkout", "k8s://prod/shop/orders-db", "k8s://prod/nodepools/general"]),
            "each request named the exact resource for the reviewer");
        Expect(cluster.Ran.Count == 2, "only the two approved mutations ran");

        output.WriteLine("\nBackend transitions:");
        foreach (var transition in backend.Transitions)
        {
            output.WriteLine($"   {transition}");
        }

        output.WriteLine(failures.Count == 0 ? "\nDone: every mutation waited for a person." : $"\nFAILED: {string.Join("; ", failures)}");
        return failures.Count == 0 ? 0 : 1;
    }
}
