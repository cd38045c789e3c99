using System.Threading.Tasks;
using ActionGuard;
using Amazon.S3;
using Amazon.S3.Model;

namespace Agents;

public class Exporter(IAmazonS3 s3)
{
    /// <summary>Exports the report.</summary>
    [RequiresApproval(ActionKind.DataExport)]
    public async Task Export(PutObjectRequest request)
    {
        await s3.PutObjectAsync(request);
    }
}