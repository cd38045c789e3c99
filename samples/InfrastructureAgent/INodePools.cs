namespace InfrastructureAgent;

/// <summary>
/// A third-party client with no ActionGuard attributes (you cannot annotate code you do not own): the agent wraps its
/// mutation in <c>IActionGuard.ExecuteAsync</c> instead.
/// </summary>
public interface INodePools
{
    /// <summary>Replaces every node of a pool, at most <paramref name="maxUnavailable"/> at a time.</summary>
    Task RecycleAsync(string pool, int maxUnavailable, CancellationToken cancellationToken);
}
