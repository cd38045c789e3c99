using System.Threading;
using System.Threading.Tasks;
using ActionGuard;
using Amazon.S3;
using Amazon.S3.Model;

public class Exporter(IAmazonS3 s3, IActionGuard guard)
{
    public async Task Export(PutObjectRequest request, CancellationToken cancellationToken)
    {
        var before = 1;
        await guard.ExecuteAsync(
            new GuardedAction(ActionKind.DataExport, "Exporter.Export"),
            async Task (ct) =>
            {
                await s3.PutObjectAsync(request, cancellationToken);
            },
            cancellationToken);
        var after = before;
    }
}