namespace InfrastructureAgent;

/// <summary>The implementation (a Kubernetes client in real life). It knows nothing about approvals.</summary>
public sealed class ClusterOperations(FakeCluster cluster) : IClusterOperations
{
    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, int>> ListAsync(string ns, CancellationToken cancellationToken) => Task.FromResult(cluster.List(ns));

    /// <inheritdoc />
    public Task ScaleAsync(string ns, string workload, int replicas, CancellationToken cancellationToken)
    {
        cluster.Scale(ns, workload, replicas);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeleteAsync(string ns, string workload, CancellationToken cancellationToken)
    {
        cluster.Delete(ns, workload);
        return Task.CompletedTask;
    }
}
