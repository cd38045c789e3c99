using ActionGuard;
using ActionGuard.Classification;

namespace DataPreprocessingAgent.Agent;

/// <summary>
/// The privileged operation where the data is: registered with <c>AddGuardedScoped</c>, an export waits for a person's
/// approval on the backend and runs only with a verified, single-use decision token. The file's content is classified
/// for the reviewer (data classes, counts, masked samples) and never sent.
/// </summary>
public interface IDataTools
{
    /// <summary>Copies a raw dataset file to an external bucket.</summary>
    [RequiresApproval(ActionKind.DataExport, Resource = "dataset://{fileName}", Destination = "s3://{bucket}/{key}",
        Justification = "Partner asked for the unmasked file to debug their import")]
    Task<ExportReceipt> ExportRawFileAsync(string fileName, [Payload] Stream content, string bucket, string key, CancellationToken cancellationToken);
}
