using System.Threading.Tasks;
using ActionGuard;
using Amazon.S3;
using Amazon.S3.Model;

public class Exporter(IAmazonS3 s3)
{
    [RequiresApproval(ActionKind.DataExport)]
    public async Task Export(PutObjectRequest request)
    {
        await s3.PutObjectAsync(request);
        await s3.PutObjectAsync(request);
    }

    [RequiresApproval(ActionKind.PermissionChange)]
    public Task Share() => s3.PutACLAsync(new PutACLRequest());

    [RequiresApproval(ActionKind.DataExport)]
    public async Task Both(PutObjectRequest request)
    {
        await s3.PutObjectAsync(request);
        await s3.PutACLAsync(new PutACLRequest());
    }
}