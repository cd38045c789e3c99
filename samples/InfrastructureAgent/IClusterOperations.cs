using ActionGuard;

namespace InfrastructureAgent;

/// <summary>
/// What the agent may do to a cluster. Reads run freely; every mutation waits for a person (registered with
/// <c>AddGuardedScoped</c>, so the attribute is enforced by the decorator in front of the implementation).
/// </summary>
public interface IClusterOperations
{
    /// <summary>Lists the workloads of a namespace and their replica counts. Not privileged.</summary>
    Task<IReadOnlyDictionary<string, int>> ListAsync(string ns, CancellationToken cancellationToken);

    /// <summary>Scales a workload.</summary>
    [RequiresApproval(ActionKind.InfrastructureMutation, Resource = "k8s://prod/{ns}/{workload}", Environment = "prod",
        Justification = "Traffic forecast for the sale needs more capacity")]
    Task ScaleAsync(string ns, string workload, int replicas, CancellationToken cancellationToken);

    /// <summary>Deletes a workload.</summary>
    [RequiresApproval(ActionKind.InfrastructureMutation, Resource = "k8s://prod/{ns}/{workload}", Environment = "prod",
        Justification = "Workload looks unused (no traffic for 30 days)")]
    Task DeleteAsync(string ns, string workload, CancellationToken cancellationToken);
}
