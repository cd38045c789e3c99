using System;
using System.Threading.Tasks;
using ActionGuard;
using Amazon.S3;
using Amazon.S3.Model;

public class Admin(IAmazonS3 s3)
{
    [Obsolete("use v2")]
    [RequiresApproval(ActionKind.PermissionChange)]
    public Task Open() => s3.PutACLAsync(new PutACLRequest());
}