using System.Threading;
using System.Threading.Tasks;
using ActionGuard;
using Amazon.S3;
using Amazon.S3.Model;

public class Exporter(IAmazonS3 s3, IActionGuard guard)
{
    public async Task Export(PutObjectRequest request, CancellationToken cancellationToken)
    {
        await guard.ExecuteAsync(
            new GuardedAction(ActionKind.DataExport, "Exporter.Export"),
            async Task (ct) =>
            {
                await s3.PutObjectAsync(request, cancellationToken);
            },
            cancellationToken);
        var between = 1;
        await guard.ExecuteAsync(
            new GuardedAction(ActionKind.PermissionChange, "Exporter.Export"),
            async Task (ct) =>
            {
                await s3.PutACLAsync(new PutACLRequest(), cancellationToken);
            },
            cancellationToken);
    }
}