namespace DataPreprocessingAgent.Agent;

/// <summary>A local folder standing in for an object store.</summary>
/// <param name="Root">The folder; each bucket is a sub-folder.</param>
public sealed record BucketFolder(string Root)
{
    /// <summary>The file that holds <paramref name="key"/> in <paramref name="bucket"/>.</summary>
    public string PathOf(string bucket, string key)
    {
        var path = Path.GetFullPath(Path.Combine(Root, bucket, key));

        // The model chose these names: never let them climb out of the bucket folder.
        if (!path.StartsWith(Path.GetFullPath(Path.Combine(Root, bucket)) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{bucket}/{key}' is not inside the bucket folder.", nameof(key));
        }

        return path;
    }

    /// <summary>The access list of <paramref name="bucket"/>.</summary>
    public string AclOf(string bucket) => PathOf(bucket, ".acl");
}
