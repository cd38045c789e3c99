using System.Diagnostics;
using ActionGuard;

namespace UnguardedAgent;

/// <summary>The same tools, guarded: each runs only after a person approved this exact call.</summary>
public sealed class CleanupTools(IObjectStore store, IActionGuard guard)
{
    /// <summary>Sends a customer file to a partner's bucket.</summary>
    public Task ExportAsync(string file, string bucket, CancellationToken cancellationToken) =>
        guard.ExecuteAsync(
            new GuardedAction(ActionKind.DataExport, "CleanupTools.Export")
            {
                Resource = "file://" + Path.GetFileName(file),
                Destination = $"s3://{bucket}/{Path.GetFileName(file)}",
                Arguments = [new("file", file), new("bucket", bucket)],
            },
            async Task (ct) =>
            {
                await using var content = File.OpenRead(file);
                await store.PutObjectAsync(bucket, Path.GetFileName(file), content, ct);
            },
            cancellationToken);

    /// <summary>Deletes a deployment.</summary>
    public Task DeleteDeploymentAsync(string deployment, CancellationToken cancellationToken) =>
        guard.ExecuteAsync(
            new GuardedAction(ActionKind.InfrastructureMutation, "CleanupTools.DeleteDeployment")
            {
                Resource = "k8s://deployments/" + deployment,
                Arguments = [new("deployment", deployment)],
            },
            async Task (ct) =>
            {
                using var kubectl = Process.Start("kubectl", "delete deployment " + deployment);
                await kubectl.WaitForExitAsync(ct);
            },
            cancellationToken);
}
