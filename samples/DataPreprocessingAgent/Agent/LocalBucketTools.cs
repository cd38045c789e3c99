namespace DataPreprocessingAgent.Agent;

/// <summary>
/// The real work, with a local folder standing in for the object store: <c>s3://bucket/key</c> is
/// <c>&lt;root&gt;/bucket/key</c>. Nothing here knows about approvals; the guard in front of it does.
/// </summary>
public sealed class LocalBucketTools(BucketFolder buckets) : IDataTools
{
    /// <inheritdoc />
    public async Task<ExportReceipt> ExportRawFileAsync(string fileName, Stream content, string bucket, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = buckets.PathOf(bucket, key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await using (var file = File.Create(target))
        {
            await content.CopyToAsync(file, cancellationToken);
        }

        return new ExportReceipt(target, new FileInfo(target).Length);
    }
}
