using ActionGuard;

namespace InfrastructureAgent;

/// <summary>The agent's tools as its model calls them. Every mutation goes through a guard; reads do not.</summary>
public sealed class ClusterAgent(IClusterOperations cluster, INodePools nodePools, IActionGuard guard)
{
    /// <summary>Lists a namespace (no approval).</summary>
    public Task<IReadOnlyDictionary<string, int>> ListAsync(string ns, CancellationToken cancellationToken = default) =>
        cluster.ListAsync(ns, cancellationToken);

    /// <summary>Scales a workload: guarded by <see cref="IClusterOperations.ScaleAsync"/>'s attribute.</summary>
    public Task ScaleAsync(string ns, string workload, int replicas, CancellationToken cancellationToken = default) =>
        cluster.ScaleAsync(ns, workload, replicas, cancellationToken);

    /// <summary>Deletes a workload: guarded by <see cref="IClusterOperations.DeleteAsync"/>'s attribute.</summary>
    public Task DeleteAsync(string ns, string workload, CancellationToken cancellationToken = default) =>
        cluster.DeleteAsync(ns, workload, cancellationToken);

    /// <summary>Recycles a node pool through a client that has no attributes: the guard wraps the call itself.</summary>
    public Task RecycleNodePoolAsync(string pool, int maxUnavailable, CancellationToken cancellationToken = default) =>
        guard.ExecuteAsync(
            new GuardedAction(ActionKind.InfrastructureMutation, "NodePools.Recycle")
            {
                Resource = $"k8s://prod/nodepools/{pool}",
                Environment = "prod",
                Justification = "Kernel CVE patch needs fresh nodes",
                Arguments = [new("pool", pool), new("maxUnavailable", maxUnavailable)],
            },
            ct => nodePools.RecycleAsync(pool, maxUnavailable, ct),
            cancellationToken);
}
