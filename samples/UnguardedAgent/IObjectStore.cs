namespace UnguardedAgent;

/// <summary>An S3-like object store client.</summary>
public interface IObjectStore
{
    /// <summary>Uploads <paramref name="content"/> as <c>s3://bucket/key</c>.</summary>
    Task PutObjectAsync(string bucket, string key, Stream content, CancellationToken cancellationToken);
}
