using System.ComponentModel;
using ActionGuard;
using Microsoft.Extensions.AI;

namespace DataPreprocessingAgent.Agent;

/// <summary>
/// The tools the model may call, as Microsoft.Extensions.AI functions. The grant is guarded as a tool call
/// (<c>[RequiresApproval]</c> here, enforced by <c>UseActionGuard</c> in the chat pipeline); the export is guarded
/// where the bytes are (<see cref="IDataTools"/>), because the reviewer must see the data classes of a file the model
/// never sees.
/// </summary>
public sealed class AgentTools(IDataTools data, BucketFolder buckets)
{
    /// <summary>The export tool's name.</summary>
    public const string ExportTool = "export_raw_file";

    /// <summary>The grant tool's name.</summary>
    public const string GrantTool = "grant_read_access";

    /// <summary>Gets what the export wrote, once it ran.</summary>
    public ExportReceipt? Export { get; private set; }

    /// <summary>Copies a dataset file, unmasked, to an object-store bucket.</summary>
    /// <param name="fileName">The dataset file.</param>
    /// <param name="bucket">The bucket.</param>
    /// <param name="key">The object key.</param>
    /// <param name="cancellationToken">Cancels the wait and the copy.</param>
    /// <returns>What the model reads.</returns>
    [Description("Copies a dataset file, unmasked, to an object-store bucket.")]
    public async Task<string> ExportRawFileAsync(
        [Description("The dataset file, e.g. customers.csv")] string fileName,
        [Description("The target bucket")] string bucket,
        [Description("The object key in the bucket")] string key,
        CancellationToken cancellationToken)
    {
        if (!string.Equals(fileName, CustomerFile.FileName, StringComparison.Ordinal))
        {
            return $"There is no dataset '{fileName}'; the only one is {CustomerFile.FileName}.";
        }

        await using var content = File.OpenRead(CustomerFile.PathOnDisk);
        try
        {
            Export = await data.ExportRawFileAsync(fileName, content, bucket, key, cancellationToken);
        }
        catch (ActionDeniedException ex)
        {
            return $"The export was denied by {ex.DeniedBy?.Name ?? ex.DeniedBy?.Subject ?? "policy"}: {ex.Reason}. It did not run.";
        }
        catch (ActionGuardException)
        {
            // No verified approval (backend down, token refused, timed out): the export did not run, and the model must
            // not carry on as if it had.
            FunctionInvokingChatClient.CurrentContext?.Terminate = true;
            throw;
        }

        return $"Exported {fileName} to s3://{bucket}/{key} ({Export.Bytes} bytes).";
    }

    /// <summary>Gives a partner standing read access to a bucket.</summary>
    /// <param name="bucket">The bucket.</param>
    /// <param name="partner">The partner's account.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>What the model reads.</returns>
    [Description("Gives a partner standing read access to a bucket.")]
    [RequiresApproval(ActionKind.PermissionChange, Resource = "s3://{bucket}", Destination = "{partner}",
        Justification = "Partner needs to fetch the export themselves")]
    public async Task<string> GrantReadAccessAsync(
        [Description("The bucket")] string bucket,
        [Description("The partner's account, e.g. analytics@partner.example")] string partner,
        CancellationToken cancellationToken)
    {
        var acl = buckets.AclOf(bucket);
        Directory.CreateDirectory(Path.GetDirectoryName(acl)!);
        await File.AppendAllTextAsync(acl, $"read {partner}{Environment.NewLine}", cancellationToken);
        return $"{partner} can now read s3://{bucket}.";
    }

    /// <summary>The tools as AI functions, named as the model knows them.</summary>
    /// <returns>The functions.</returns>
    public IList<AITool> AsAITools() =>
    [
        AIFunctionFactory.Create(ExportRawFileAsync, ExportTool),
        AIFunctionFactory.Create(GrantReadAccessAsync, GrantTool),
    ];
}
