namespace ActionGuard.Analyzers.Tests.TestSupport;

/// <summary>Source stubs of the catalogued SDKs, with their real namespaces, names and signatures.</summary>
internal static class Stubs
{
    public const string AwsS3 = """
        using System.Threading;
        using System.Threading.Tasks;

        namespace Amazon.S3.Model
        {
            public class PutObjectRequest { public string BucketName { get; set; } = ""; public string Key { get; set; } = ""; public string FilePath { get; set; } = ""; }
            public class PutObjectResponse { }
            public class CopyObjectRequest { }
            public class CopyObjectResponse { }
            public class PutACLRequest { }
            public class PutACLResponse { }
            public class PutBucketPolicyRequest { }
            public class PutBucketPolicyResponse { }
            public class GetObjectRequest { }
            public class GetObjectResponse { }
        }

        namespace Amazon.S3
        {
            using Amazon.S3.Model;

            public interface IAmazonS3
            {
                Task<PutObjectResponse> PutObjectAsync(PutObjectRequest request, CancellationToken cancellationToken = default);
                Task<CopyObjectResponse> CopyObjectAsync(CopyObjectRequest request, CancellationToken cancellationToken = default);
                Task<CopyObjectResponse> CopyObjectAsync(string sourceBucket, string sourceKey, string destinationBucket, string destinationKey, CancellationToken cancellationToken = default);
                Task<PutACLResponse> PutACLAsync(PutACLRequest request, CancellationToken cancellationToken = default);
                PutACLResponse PutACL(PutACLRequest request);
                GetObjectResponse GetObject(GetObjectRequest request);
                Task<PutBucketPolicyResponse> PutBucketPolicyAsync(PutBucketPolicyRequest request, CancellationToken cancellationToken = default);
                Task<GetObjectResponse> GetObjectAsync(GetObjectRequest request, CancellationToken cancellationToken = default);
            }

            public class AmazonS3Client : IAmazonS3
            {
                public virtual Task<PutObjectResponse> PutObjectAsync(PutObjectRequest request, CancellationToken cancellationToken = default) => Task.FromResult(new PutObjectResponse());
                public virtual Task<CopyObjectResponse> CopyObjectAsync(CopyObjectRequest request, CancellationToken cancellationToken = default) => Task.FromResult(new CopyObjectResponse());
                public virtual Task<CopyObjectResponse> CopyObjectAsync(string sourceBucket, string sourceKey, string destinationBucket, string destinationKey, CancellationToken cancellationToken = default) => Task.FromResult(new CopyObjectResponse());
                public virtual Task<PutACLResponse> PutACLAsync(PutACLRequest request, CancellationToken cancellationToken = default) => Task.FromResult(new PutACLResponse());
                public virtual PutACLResponse PutACL(PutACLRequest request) => new PutACLResponse();
                public virtual GetObjectResponse GetObject(GetObjectRequest request) => new GetObjectResponse();
                public virtual Task<PutBucketPolicyResponse> PutBucketPolicyAsync(PutBucketPolicyRequest request, CancellationToken cancellationToken = default) => Task.FromResult(new PutBucketPolicyResponse());
                public virtual Task<GetObjectResponse> GetObjectAsync(GetObjectRequest request, CancellationToken cancellationToken = default) => Task.FromResult(new GetObjectResponse());
            }
        }

        namespace Amazon.S3.Transfer
        {
            public interface ITransferUtility
            {
                Task UploadAsync(string filePath, string bucketName, CancellationToken cancellationToken = default);
                Task UploadAsync(System.IO.Stream stream, string bucketName, string key, CancellationToken cancellationToken = default);
            }

            public class TransferUtility : ITransferUtility
            {
                public TransferUtility(Amazon.S3.IAmazonS3 s3Client) { }
                public Task UploadAsync(string filePath, string bucketName, CancellationToken cancellationToken = default) => Task.CompletedTask;
                public Task UploadAsync(System.IO.Stream stream, string bucketName, string key, CancellationToken cancellationToken = default) => Task.CompletedTask;
            }
        }
        """;

    public const string AwsIamEc2 = """
        using System.Threading;
        using System.Threading.Tasks;

        namespace Amazon.IdentityManagement.Model
        {
            public class AttachRolePolicyRequest { public string RoleName { get; set; } = ""; public string PolicyArn { get; set; } = ""; }
            public class AttachRolePolicyResponse { }
            public class CreateAccessKeyRequest { }
            public class CreateAccessKeyResponse { }
            public class ListRolesRequest { }
            public class ListRolesResponse { }
        }

        namespace Amazon.IdentityManagement
        {
            using Amazon.IdentityManagement.Model;
            public interface IAmazonIdentityManagementService
            {
                Task<AttachRolePolicyResponse> AttachRolePolicyAsync(AttachRolePolicyRequest request, CancellationToken cancellationToken = default);
                Task<CreateAccessKeyResponse> CreateAccessKeyAsync(CreateAccessKeyRequest request, CancellationToken cancellationToken = default);
                Task<ListRolesResponse> ListRolesAsync(ListRolesRequest request, CancellationToken cancellationToken = default);
            }
        }

        namespace Amazon.EC2.Model
        {
            public class RunInstancesRequest { }
            public class RunInstancesResponse { }
            public class TerminateInstancesRequest { }
            public class TerminateInstancesResponse { }
        }

        namespace Amazon.EC2
        {
            using Amazon.EC2.Model;
            public interface IAmazonEC2
            {
                Task<RunInstancesResponse> RunInstancesAsync(RunInstancesRequest request, CancellationToken cancellationToken = default);
                Task<TerminateInstancesResponse> TerminateInstancesAsync(TerminateInstancesRequest request, CancellationToken cancellationToken = default);
            }
        }

        namespace Amazon.SecurityToken
        {
            public class AssumeRoleRequest { }
            public class AssumeRoleResponse { }
            public interface IAmazonSecurityTokenService
            {
                Task<AssumeRoleResponse> AssumeRoleAsync(AssumeRoleRequest request, CancellationToken cancellationToken = default);
            }
        }
        """;

    public const string AzureBlobs = """
        using System;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;

        namespace Azure
        {
            public abstract class Response { }
            public abstract class Response<T> { }
        }

        namespace Azure.Storage.Blobs.Models
        {
            public class BlobContentInfo { }
            public class CopyFromUriOperation { }
        }

        namespace Azure.Storage.Blobs.Specialized
        {
            using Azure.Storage.Blobs.Models;
            public class BlobBaseClient
            {
                public virtual Task<CopyFromUriOperation> StartCopyFromUriAsync(Uri source, CancellationToken cancellationToken = default) => Task.FromResult(new CopyFromUriOperation());
                public virtual Task<Stream> OpenReadAsync(CancellationToken cancellationToken = default) => Task.FromResult<Stream>(Stream.Null);
            }
        }

        namespace Azure.Storage.Blobs
        {
            using Azure.Storage.Blobs.Models;
            public class BlobClient : Azure.Storage.Blobs.Specialized.BlobBaseClient
            {
                public BlobClient(Uri blobUri) { }
                public virtual Task<Response<BlobContentInfo>> UploadAsync(Stream content, CancellationToken cancellationToken) => Task.FromResult<Response<BlobContentInfo>>(null!);
                public virtual Task<Response<BlobContentInfo>> UploadAsync(string path, bool overwrite = false, CancellationToken cancellationToken = default) => Task.FromResult<Response<BlobContentInfo>>(null!);
            }
        }

        namespace Azure.ResourceManager.Authorization.Models
        {
            public class RoleAssignmentCreateOrUpdateContent { }
        }

        namespace Azure.ResourceManager.Authorization
        {
            public class RoleAssignmentResource { }
            public class ArmOperation<T> { }
            public class RoleAssignmentCollection
            {
                public virtual Task<ArmOperation<RoleAssignmentResource>> CreateOrUpdateAsync(Azure.WaitUntil waitUntil, string roleAssignmentName, Models.RoleAssignmentCreateOrUpdateContent content, CancellationToken cancellationToken = default) => Task.FromResult(new ArmOperation<RoleAssignmentResource>());
            }
        }

        namespace Azure
        {
            public enum WaitUntil { Completed, Started }
        }
        """;

    public const string Kubernetes = """
        using System.Threading;
        using System.Threading.Tasks;

        namespace k8s.Models
        {
            public class V1Pod { }
            public class V1Deployment { }
            public class V1RoleBinding { }
            public class V1Status { }
            public class V1PodList { }
        }

        namespace k8s
        {
            using k8s.Models;
            public interface ICoreV1Operations { }
            public interface IAppsV1Operations { }
            public interface IRbacAuthorizationV1Operations { }
            public interface IKubernetes
            {
                ICoreV1Operations CoreV1 { get; }
                IAppsV1Operations AppsV1 { get; }
                IRbacAuthorizationV1Operations RbacAuthorizationV1 { get; }
            }

            public static class CoreV1OperationsExtensions
            {
                public static Task<V1Pod> CreateNamespacedPodAsync(this ICoreV1Operations operations, V1Pod body, string namespaceParameter, string? dryRun = null, CancellationToken cancellationToken = default) => Task.FromResult(body);
                public static Task<V1Pod> DeleteNamespacedPodAsync(this ICoreV1Operations operations, string name, string namespaceParameter, CancellationToken cancellationToken = default) => Task.FromResult(new V1Pod());
                public static Task<V1PodList> ListNamespacedPodAsync(this ICoreV1Operations operations, string namespaceParameter, CancellationToken cancellationToken = default) => Task.FromResult(new V1PodList());
            }

            public static class AppsV1OperationsExtensions
            {
                public static Task<V1Deployment> ReplaceNamespacedDeploymentAsync(this IAppsV1Operations operations, V1Deployment body, string name, string namespaceParameter, CancellationToken cancellationToken = default) => Task.FromResult(body);
            }

            public static class RbacAuthorizationV1OperationsExtensions
            {
                public static Task<V1RoleBinding> CreateNamespacedRoleBindingAsync(this IRbacAuthorizationV1Operations operations, V1RoleBinding body, string namespaceParameter, CancellationToken cancellationToken = default) => Task.FromResult(body);
            }
        }
        """;

    public const string GraphAndSql = """
        using System;
        using System.Data;
        using System.Data.Common;
        using System.Threading;
        using System.Threading.Tasks;

        namespace Microsoft.Graph.Models
        {
            public class ReferenceCreate { public string? OdataId { get; set; } }
        }

        namespace Microsoft.Graph.Groups.Item.Members.Ref
        {
            public class RefRequestBuilder
            {
                public Task PostAsync(Microsoft.Graph.Models.ReferenceCreate body, Action<object>? requestConfiguration = default, CancellationToken cancellationToken = default) => Task.CompletedTask;
                public Task DeleteAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
            }
        }

        namespace Microsoft.Graph.Users.Item.Photo.Ref
        {
            // Same simple names as the catalogued builder, different namespace: not sensitive.
            public class RefRequestBuilder
            {
                public Task PostAsync(Microsoft.Graph.Models.ReferenceCreate body, Action<object>? requestConfiguration = default, CancellationToken cancellationToken = default) => Task.CompletedTask;
            }
        }

        namespace Microsoft.Data.SqlClient
        {
            public sealed class SqlBulkCopy
            {
                public SqlBulkCopy(string connectionString) { }
                public string DestinationTableName { get; set; } = "";
                public Task WriteToServerAsync(DataTable table, CancellationToken cancellationToken = default) => Task.CompletedTask;
                public void WriteToServer(DataTable table) { }
            }
        }

        namespace Dapper
        {
            public static class SqlMapper
            {
                public static Task<int> ExecuteAsync(this IDbConnection cnn, string sql, object? param = null, IDbTransaction? transaction = null, int? commandTimeout = null, CommandType? commandType = null) => Task.FromResult(0);
                public static int Execute(this IDbConnection cnn, string sql, object? param = null) => 0;
            }
        }

        namespace Microsoft.EntityFrameworkCore.Infrastructure
        {
            public class DatabaseFacade { }
        }

        namespace Microsoft.EntityFrameworkCore
        {
            public static class RelationalDatabaseFacadeExtensions
            {
                public static int ExecuteSqlRaw(this Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade databaseFacade, string sql, params object[] parameters) => 0;
                public static Task<int> ExecuteSqlRawAsync(this Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade databaseFacade, string sql, CancellationToken cancellationToken = default) => Task.FromResult(0);
            }
        }

        namespace Npgsql
        {
            public sealed class NpgsqlCommand : DbCommand
            {
                public NpgsqlCommand() { }
                public NpgsqlCommand(string? cmdText, NpgsqlConnection? connection) { }
                public override string CommandText { get; set; } = "";
                public override int CommandTimeout { get; set; }
                public override CommandType CommandType { get; set; }
                public override bool DesignTimeVisible { get; set; }
                public override UpdateRowSource UpdatedRowSource { get; set; }
                protected override DbConnection? DbConnection { get; set; }
                protected override DbParameterCollection DbParameterCollection => null!;
                protected override DbTransaction? DbTransaction { get; set; }
                public override void Cancel() { }
                public override int ExecuteNonQuery() => 0;
                public override object? ExecuteScalar() => null;
                public override void Prepare() { }
                protected override DbParameter CreateDbParameter() => null!;
                protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => null!;
            }

            public sealed class NpgsqlConnection
            {
                public System.IO.TextReader BeginTextExport(string copyToCommand) => System.IO.TextReader.Null;
                public System.IO.Stream BeginRawBinaryCopy(string copyCommand) => System.IO.Stream.Null;
            }
        }
        """;
}
