using System.Diagnostics;

namespace UnguardedAgent;

/// <summary>Tools an AI agent may call. Nothing stops a prompt injection from calling them: the analyzer says so.</summary>
public sealed class CleanupTools(IObjectStore store)
{
    /// <summary>Sends a customer file to a partner's bucket.</summary>
    public async Task ExportAsync(string file, string bucket, CancellationToken cancellationToken)
    {
        await using var content = File.OpenRead(file);
        await store.PutObjectAsync(bucket, Path.GetFileName(file), content, cancellationToken);
    }

    /// <summary>Deletes a deployment.</summary>
    public async Task DeleteDeploymentAsync(string deployment, CancellationToken cancellationToken)
    {
        using var kubectl = Process.Start("kubectl", "delete deployment " + deployment);
        await kubectl.WaitForExitAsync(cancellationToken);
    }
}
