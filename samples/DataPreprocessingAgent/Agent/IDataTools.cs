using ActionGuard;
using ActionGuard.Classification;

namespace DataPreprocessingAgent.Agent;

/// <summary>
/// The tools the agent's model may call that move data or widen access. Registered with <c>AddGuardedScoped</c>, each
/// call waits for a person's approval on the backend and runs only with a verified, single-use decision token.
/// </summary>
public interface IDataTools
{
    /// <summary>Copies a raw dataset file to an external bucket. The file's content is classified for the reviewer, never sent.</summary>
    [RequiresApproval(ActionKind.DataExport, Resource = "dataset://{fileName}", Destination = "s3://{bucket}/{key}",
        Justification = "Partner asked for the unmasked file to debug their import")]
    Task<ExportReceipt> ExportRawFileAsync(string fileName, [Payload] Stream content, string bucket, string key, CancellationToken cancellationToken);

    /// <summary>Grants a partner read access to a bucket.</summary>
    [RequiresApproval(ActionKind.PermissionChange, Resource = "s3://{bucket}", Destination = "{partner}",
        Justification = "Partner needs to fetch the export themselves")]
    Task GrantReadAccessAsync(string bucket, string partner, CancellationToken cancellationToken);
}
