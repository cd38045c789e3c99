namespace InfrastructureAgent;

/// <summary>Stands in for a vendor's node-pool client.</summary>
public sealed class NodePoolClient(FakeCluster cluster) : INodePools
{
    /// <inheritdoc />
    public Task RecycleAsync(string pool, int maxUnavailable, CancellationToken cancellationToken)
    {
        cluster.Recycle(pool, maxUnavailable);
        return Task.CompletedTask;
    }
}
