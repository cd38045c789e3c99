// Evaluation corpus: realistic agent tools against the real AWSSDK.S3 package. Every SDK call ends with the rule a
// reviewer expects (AG0001 export, AG0002 permission change, AG0003 infrastructure mutation) or "quiet".
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;

namespace Corpus.Aws;

public sealed class ReportStorageTools(IAmazonS3 s3, ITransferUtility transfer)
{
    public async Task<string> PublishReportAsync(string bucket, string key, Stream report)
    {
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = report }); // AG0001
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest { BucketName = bucket, Key = key }); // AG0001
        return url;
    }

    public async Task MirrorAsync(string source, string target, IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            await s3.CopyObjectAsync(source, key, target, key); // AG0001
        }
    }

    public async Task UploadFolderAsync(string folder, string bucket)
    {
        await transfer.UploadDirectoryAsync(folder, bucket); // AG0001
        await transfer.UploadAsync(Path.Combine(folder, "index.json"), bucket); // AG0001
    }

    public async Task UploadLargeAsync(string bucket, string key, Stream part)
    {
        var started = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }); // AG0001
        var uploaded = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = key, UploadId = started.UploadId, PartNumber = 1, InputStream = part }); // AG0001
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = started.UploadId, PartETags = [new PartETag(1, uploaded.ETag)] }); // AG0001
    }

    public async Task<long> SizeOfAsync(string bucket, string key)
    {
        var metadata = await s3.GetObjectMetadataAsync(bucket, key); // quiet
        return metadata.ContentLength;
    }

    public async Task<List<string>> ListAsync(string bucket)
    {
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }); // quiet
        var names = new List<string>();
        foreach (var item in listed.S3Objects ?? [])
        {
            names.Add(item.Key);
        }

        return names;
    }

    public async Task<string> ReadAsync(string bucket, string key)
    {
        using var response = await s3.GetObjectAsync(bucket, key); // quiet
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync();
    }
}

public sealed class BucketAdminTools(IAmazonS3 s3)
{
    public async Task OpenToPartnerAsync(string bucket, string policyJson)
    {
        await s3.PutBucketPolicyAsync(bucket, policyJson); // AG0002
        await s3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket }); // AG0002
    }

    public async Task ShareObjectAsync(string bucket, string key)
    {
        await s3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = key, ACL = S3CannedACL.PublicRead }); // AG0002
        await s3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.AuthenticatedRead }); // AG0002
    }

    public async Task<string> ReadPolicyAsync(string bucket)
    {
        var policy = await s3.GetBucketPolicyAsync(bucket); // quiet
        var acl = await s3.GetACLAsync(bucket); // quiet
        return policy.Policy + acl.AccessControlList?.Grants?.Count;
    }

    public async Task ProvisionAsync(string bucket)
    {
        await s3.PutBucketAsync(bucket); // AG0003
        await s3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest { BucketName = bucket }); // AG0003
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket }); // AG0003
        await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest { BucketName = bucket }); // AG0003
    }

    public async Task DecommissionAsync(string bucket, string key)
    {
        await s3.DeleteObjectAsync(bucket, key); // AG0003
        await s3.DeleteBucketEncryptionAsync(new DeleteBucketEncryptionRequest { BucketName = bucket }); // AG0003
        await s3.DeleteBucketAsync(bucket); // AG0003
    }

    public async Task<bool> ExistsAsync(string bucket)
    {
        var location = await s3.GetBucketLocationAsync(bucket); // quiet
        return location is not null;
    }
}
