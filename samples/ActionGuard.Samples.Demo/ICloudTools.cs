using ActionGuard;

namespace ActionGuard.Samples.Demo;

/// <summary>The privileged tools an AI agent may call. Each one waits for a human.</summary>
public interface ICloudTools
{
    [RequiresApproval(ActionKind.DataExport, Resource = "crm://customers/{segment}", Destination = "s3://{bucket}/{key}",
        Justification = "Quarterly churn analysis requested by the initiator")]
    Task<int> ExportCustomersAsync(string segment, string bucket, string key, [Sensitive] string crmApiKey, CancellationToken cancellationToken);

    [RequiresApproval(ActionKind.PermissionChange, Resource = "iam://roles/{role}", Destination = "{user}", Environment = "prod")]
    Task GrantRoleAsync(string user, string role, CancellationToken cancellationToken);

    [RequiresApproval(ActionKind.InfrastructureMutation, Resource = "k8s://prod/deployments/{deployment}", TimeoutSeconds = 2)]
    Task ScaleAsync(string deployment, int replicas, CancellationToken cancellationToken);

    /// <summary>Not privileged: runs without approval.</summary>
    Task<int> CountCustomersAsync(string segment, CancellationToken cancellationToken);
}
