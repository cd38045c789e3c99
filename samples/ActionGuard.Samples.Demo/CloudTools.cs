namespace ActionGuard.Samples.Demo;

/// <summary>Pretend implementations: they only record that they ran.</summary>
public sealed class CloudTools : ICloudTools
{
    public List<string> Ran { get; } = [];

    public Task<int> ExportCustomersAsync(string segment, string bucket, string key, string crmApiKey, CancellationToken cancellationToken)
    {
        Ran.Add($"export {segment} -> s3://{bucket}/{key}");
        return Task.FromResult(1204);
    }

    public Task GrantRoleAsync(string user, string role, CancellationToken cancellationToken)
    {
        Ran.Add($"grant {role} to {user}");
        return Task.CompletedTask;
    }

    public Task ScaleAsync(string deployment, int replicas, CancellationToken cancellationToken)
    {
        Ran.Add($"scale {deployment} to {replicas}");
        return Task.CompletedTask;
    }

    public Task<int> CountCustomersAsync(string segment, CancellationToken cancellationToken) => Task.FromResult(1204);
}
