namespace UnguardedAgent;

/// <summary>A local folder standing in for the object store.</summary>
public sealed class LocalObjectStore(string root) : IObjectStore
{
    /// <inheritdoc />
    public async Task PutObjectAsync(string bucket, string key, Stream content, CancellationToken cancellationToken)
    {
        var path = Path.Combine(root, bucket, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = File.Create(path);
        await content.CopyToAsync(file, cancellationToken);
    }
}
