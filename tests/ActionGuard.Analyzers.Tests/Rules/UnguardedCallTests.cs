using ActionGuard.Analyzers.Tests.TestSupport;

namespace ActionGuard.Analyzers.Tests.Rules;

public sealed class UnguardedCallTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using ActionGuard;
        using Amazon.S3;
        using Amazon.S3.Model;

        """;

    private static TestOptions S3 => TestOptions.WithStubs(Stubs.AwsS3);

    [Fact]
    public async Task Unguarded_upload_through_the_interface_is_a_data_export()
    {
        await Verifier.VerifyAsync(Usings + """
            class Exporter(IAmazonS3 s3)
            {
                public Task Export(PutObjectRequest request) => {|AG0001:s3.PutObjectAsync(request)|};
            }
            """, S3);
    }

    [Fact]
    public async Task Implementation_and_override_calls_match_the_interface_entry()
    {
        await Verifier.VerifyAsync(Usings + """
            class MyClient : AmazonS3Client
            {
                public override Task<PutObjectResponse> PutObjectAsync(PutObjectRequest request, CancellationToken cancellationToken = default) => base.PutObjectAsync(request, cancellationToken);
            }

            class Exporter(AmazonS3Client client, MyClient mine)
            {
                public async Task Export(PutObjectRequest request)
                {
                    await {|AG0001:client.PutObjectAsync(request)|};
                    await {|AG0001:mine.PutObjectAsync(request)|};
                }
            }
            """.Replace("=> base.PutObjectAsync(request, cancellationToken)", "=> {|AG0001:base.PutObjectAsync(request, cancellationToken)|}", StringComparison.Ordinal), S3);
    }

    [Fact]
    public async Task Read_only_calls_of_a_catalogued_type_are_not_reported()
    {
        await Verifier.VerifyAsync(Usings + """
            class Reader(IAmazonS3 s3)
            {
                public Task Read() => s3.GetObjectAsync(new GetObjectRequest());
            }
            """, S3);
    }

    [Fact]
    public async Task Acl_and_bucket_policy_are_permission_changes()
    {
        await Verifier.VerifyAsync(Usings + """
            class Admin(IAmazonS3 s3)
            {
                public async Task Open()
                {
                    await {|AG0002:s3.PutACLAsync(new PutACLRequest())|};
                    await {|AG0002:s3.PutBucketPolicyAsync(new PutBucketPolicyRequest())|};
                }
            }
            """, S3);
    }

    [Fact]
    public async Task Method_with_matching_RequiresApproval_is_guarded()
    {
        await Verifier.VerifyAsync(Usings + """
            public interface IExporter { Task Export(PutObjectRequest request); }

            class Exporter(IAmazonS3 s3) : IExporter
            {
                [RequiresApproval(ActionKind.DataExport)]
                public Task Export(PutObjectRequest request) => s3.PutObjectAsync(request);
            }
            """, S3);
    }

    [Fact]
    public async Task RequiresApproval_on_the_interface_guards_the_implementation()
    {
        await Verifier.VerifyAsync(Usings + """
            public interface IExporter
            {
                [RequiresApproval(ActionKind.DataExport)]
                Task Export(PutObjectRequest request);
            }

            class Exporter(IAmazonS3 s3) : IExporter
            {
                public Task Export(PutObjectRequest request) => s3.PutObjectAsync(request);
            }

            class Explicit(IAmazonS3 s3) : IExporter
            {
                Task IExporter.Export(PutObjectRequest request) => s3.PutObjectAsync(request);
            }
            """, S3);
    }

    [Fact]
    public async Task RequiresApproval_of_another_kind_does_not_guard()
    {
        await Verifier.VerifyAsync(Usings + """
            class Exporter(IAmazonS3 s3)
            {
                [RequiresApproval(ActionKind.InfrastructureMutation)]
                public Task Export(PutObjectRequest request) => {|AG0001:s3.PutObjectAsync(request)|};

                [RequiresApproval("payments.refund")]
                public Task Custom(PutObjectRequest request) => {|AG0001:s3.PutObjectAsync(request)|};

                [RequiresApproval("data_export")]
                public Task WireName(PutObjectRequest request) => s3.PutObjectAsync(request);
            }
            """, S3);
    }

    [Fact]
    public async Task Overriding_a_guarded_virtual_method_inherits_the_guard()
    {
        await Verifier.VerifyAsync(Usings + """
            class BaseExporter
            {
                [RequiresApproval(ActionKind.DataExport)]
                public virtual Task Export(PutObjectRequest request) => Task.CompletedTask;
            }

            class Exporter(IAmazonS3 s3) : BaseExporter
            {
                public override Task Export(PutObjectRequest request) => s3.PutObjectAsync(request);
            }
            """, S3);
    }

    [Fact]
    public async Task Lambda_passed_to_the_guard_is_guarded()
    {
        await Verifier.VerifyAsync(Usings + """
            class Exporter(IAmazonS3 s3, IActionGuard guard)
            {
                public async Task Export(PutObjectRequest request, CancellationToken cancellationToken)
                {
                    await guard.ExecuteAsync(
                        new GuardedAction(ActionKind.DataExport, "Export"),
                        async Task (ct) => { await s3.PutObjectAsync(request, ct); },
                        cancellationToken);
                    await guard.ExecuteAsync(
                        new GuardedAction(ActionKind.DataExport, "Export"),
                        static (state, ct) => new ValueTask<PutObjectResponse>(state.s3.PutObjectAsync(state.request, ct)),
                        (s3, request),
                        cancellationToken);
                }
            }
            """, S3);
    }

    [Fact]
    public async Task Lambda_stored_for_later_is_not_guarded_even_inside_a_guarded_method()
    {
        await Verifier.VerifyAsync(Usings + """
            class Exporter(IAmazonS3 s3)
            {
                private Func<Task>? _later;

                [RequiresApproval(ActionKind.DataExport)]
                public Task Export(PutObjectRequest request)
                {
                    _later = () => {|AG0001:s3.PutObjectAsync(request)|};
                    return Task.CompletedTask;
                }
            }
            """, S3);
    }

    [Fact]
    public async Task Lambda_passed_to_another_call_inherits_the_guard_of_that_call()
    {
        await Verifier.VerifyAsync(Usings + """
            class Exporter(IAmazonS3 s3, IActionGuard guard)
            {
                [RequiresApproval(ActionKind.DataExport)]
                public Task ExportAll(List<PutObjectRequest> requests) => Task.WhenAll(requests.Select(r => s3.PutObjectAsync(r)));

                public Task ExportAllUnguarded(List<PutObjectRequest> requests) => Task.WhenAll(requests.Select(r => {|AG0001:s3.PutObjectAsync(r)|}));

                public Task ExportInGuard(List<PutObjectRequest> requests) => guard.ExecuteAsync(
                    new GuardedAction(ActionKind.DataExport, "ExportAll"),
                    ct => Task.WhenAll(requests.Select(r => s3.PutObjectAsync(r, ct))));
            }
            """, S3);
    }

    [Fact]
    public async Task Local_function_is_guarded_only_where_the_guard_runs_it()
    {
        await Verifier.VerifyAsync(Usings + """
            class Exporter(IAmazonS3 s3, IActionGuard guard)
            {
                public async Task Guarded(PutObjectRequest request)
                {
                    await guard.ExecuteAsync(new GuardedAction(ActionKind.DataExport, "Export"), Upload);
                    await guard.ExecuteAsync(new GuardedAction(ActionKind.DataExport, "Export"), ct => Upload(ct));

                    Task Upload(CancellationToken ct) => s3.PutObjectAsync(request, ct);
                }

                public async Task CalledOutside(PutObjectRequest request)
                {
                    await guard.ExecuteAsync(new GuardedAction(ActionKind.DataExport, "Export"), Upload);
                    await Upload(default);

                    Task Upload(CancellationToken ct) => {|AG0001:s3.PutObjectAsync(request, ct)|};
                }

                public Task NeverCalled(PutObjectRequest request)
                {
                    return Task.CompletedTask;

                    Task Upload() => {|AG0001:s3.PutObjectAsync(request)|};
                }
            }
            """, S3);
    }

    [Fact]
    public async Task Local_delegate_is_guarded_when_every_use_is_the_guard()
    {
        await Verifier.VerifyAsync(Usings + """
            class Exporter(IAmazonS3 s3, IActionGuard guard)
            {
                public async Task Guarded(PutObjectRequest request)
                {
                    Func<CancellationToken, Task> upload = ct => s3.PutObjectAsync(request, ct);
                    await guard.ExecuteAsync(new GuardedAction(ActionKind.DataExport, "Export"), upload);
                }

                public async Task Leaked(PutObjectRequest request)
                {
                    Func<CancellationToken, Task> upload = ct => {|AG0001:s3.PutObjectAsync(request, ct)|};
                    await guard.ExecuteAsync(new GuardedAction(ActionKind.DataExport, "Export"), upload);
                    await upload(default);
                }
            }
            """, S3);
    }

    [Fact]
    public async Task Method_group_of_a_sensitive_api_is_reported_unless_the_guard_runs_it()
    {
        await Verifier.VerifyAsync(Usings + """
            class Exporter(IAmazonS3 s3)
            {
                public Func<PutObjectRequest, CancellationToken, Task<PutObjectResponse>> Leak() => {|AG0001:s3.PutObjectAsync|};
            }
            """, S3);
    }

    [Fact]
    public async Task Partial_classes_and_generic_methods_are_analyzed()
    {
        var options = S3.With("""
            using System.Threading.Tasks;
            using ActionGuard;
            using Amazon.S3;
            using Amazon.S3.Model;

            public interface IExporter { Task Export<T>(T request) where T : PutObjectRequest; }

            partial class Exporter : IExporter
            {
                [RequiresApproval(ActionKind.DataExport)]
                public partial Task Export<T>(T request) where T : PutObjectRequest;
            }
            """);
        await Verifier.VerifyAsync(Usings + """
            partial class Exporter(IAmazonS3 s3)
            {
                public partial Task Export<T>(T request) where T : PutObjectRequest => s3.PutObjectAsync(request);

                public Task Unguarded<T>(T request) where T : PutObjectRequest => {|AG0001:s3.PutObjectAsync(request)|};
            }
            """, options);
    }

    [Fact]
    public async Task Extension_methods_are_matched_by_their_static_definition()
    {
        await Verifier.VerifyAsync("""
            using System.Threading.Tasks;
            using ActionGuard;
            using k8s;
            using k8s.Models;

            class Operator(IKubernetes client)
            {
                public async Task Run()
                {
                    await {|AG0003:client.CoreV1.DeleteNamespacedPodAsync("web-0", "prod")|};
                    await {|AG0003:CoreV1OperationsExtensions.CreateNamespacedPodAsync(client.CoreV1, new V1Pod(), "prod")|};
                    await {|AG0002:client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding(), "prod")|};
                    await client.CoreV1.ListNamespacedPodAsync("prod");
                }

                [RequiresApproval(ActionKind.InfrastructureMutation)]
                public Task Redeploy(V1Deployment deployment) => client.AppsV1.ReplaceNamespacedDeploymentAsync(deployment, "web", "prod");
            }
            """, TestOptions.WithStubs(Stubs.Kubernetes));
    }

    [Fact]
    public async Task Aws_iam_ec2_and_sts_are_classified()
    {
        await Verifier.VerifyAsync("""
            using System.Threading.Tasks;
            using Amazon.IdentityManagement;
            using Amazon.IdentityManagement.Model;
            using Amazon.EC2;
            using Amazon.EC2.Model;
            using Amazon.SecurityToken;

            class Cloud(IAmazonIdentityManagementService iam, IAmazonEC2 ec2, IAmazonSecurityTokenService sts)
            {
                public async Task Run()
                {
                    await {|AG0002:iam.AttachRolePolicyAsync(new AttachRolePolicyRequest())|};
                    await {|AG0002:iam.CreateAccessKeyAsync(new CreateAccessKeyRequest())|};
                    await iam.ListRolesAsync(new ListRolesRequest());
                    await {|AG0003:ec2.RunInstancesAsync(new RunInstancesRequest())|};
                    await {|AG0003:ec2.TerminateInstancesAsync(new TerminateInstancesRequest())|};
                    await {|AG0002:sts.AssumeRoleAsync(new AssumeRoleRequest())|};
                }
            }
            """, TestOptions.WithStubs(Stubs.AwsIamEc2));
    }

    [Fact]
    public async Task Azure_blob_upload_copy_and_role_assignment_are_classified()
    {
        await Verifier.VerifyAsync("""
            using System;
            using System.IO;
            using System.Threading.Tasks;
            using Azure.Storage.Blobs;
            using Azure.ResourceManager.Authorization;

            class Cloud(BlobClient blob, RoleAssignmentCollection roles)
            {
                public async Task Run(Stream data)
                {
                    await {|AG0001:blob.UploadAsync(data, default)|};
                    await {|AG0001:blob.StartCopyFromUriAsync(new Uri("https://example.invalid/x"))|};
                    await blob.OpenReadAsync();
                    await {|AG0002:roles.CreateOrUpdateAsync(Azure.WaitUntil.Completed, "name", new Azure.ResourceManager.Authorization.Models.RoleAssignmentCreateOrUpdateContent())|};
                }
            }
            """, TestOptions.WithStubs(Stubs.AzureBlobs));
    }

    [Fact]
    public async Task Graph_membership_is_matched_by_full_id_not_simple_name()
    {
        await Verifier.VerifyAsync("""
            using System.Threading.Tasks;
            using Microsoft.Graph.Models;

            class Directory(Microsoft.Graph.Groups.Item.Members.Ref.RefRequestBuilder members, Microsoft.Graph.Users.Item.Photo.Ref.RefRequestBuilder photo)
            {
                public async Task Run()
                {
                    await {|AG0002:members.PostAsync(new ReferenceCreate())|};
                    await {|AG0002:members.DeleteAsync()|};
                    await photo.PostAsync(new ReferenceCreate());
                }
            }
            """, TestOptions.WithStubs(Stubs.GraphAndSql));
    }

    [Fact]
    public async Task SqlBulkCopy_and_file_modes_are_classified()
    {
        await Verifier.VerifyAsync("""
            using System.Data;
            using System.IO;
            using System.Threading.Tasks;
            using Microsoft.Data.SqlClient;

            class Data
            {
                public async Task Run(DataTable table)
                {
                    var copy = new SqlBulkCopy("Server=.");
                    await {|AG0001:copy.WriteToServerAsync(table)|};
                    {|AG0001:copy.WriteToServer(table)|};
                    {|AG0002:File.SetUnixFileMode("/tmp/x", UnixFileMode.UserRead | UnixFileMode.OtherWrite)|};
                }
            }
            """, TestOptions.WithStubs(Stubs.GraphAndSql));
    }

    [Fact]
    public async Task Generated_code_is_not_analyzed()
    {
        var options = S3.With("""
            // <auto-generated/>
            using System.Threading.Tasks;
            using Amazon.S3;
            using Amazon.S3.Model;

            class Generated(IAmazonS3 s3)
            {
                public Task Export(PutObjectRequest request) => s3.PutObjectAsync(request);
            }
            """);
        options.Sources.Add(("Client.g.cs", """
            using System.Threading.Tasks;
            using Amazon.S3;
            using Amazon.S3.Model;

            class GeneratedByName(IAmazonS3 s3)
            {
                public Task Export(PutObjectRequest request) => s3.PutObjectAsync(request);
            }
            """));
        var diagnostics = await AnalyzerRun.DiagnosticsAsync("class Empty { }", options);
        Assert.DoesNotContain(diagnostics, d => d.Id.StartsWith("AG", StringComparison.Ordinal));

        // The same code outside generated files is reported, so the test above can fail.
        await Verifier.VerifyAsync(Usings + """
            class Handwritten(IAmazonS3 s3)
            {
                public Task Export(PutObjectRequest request) => {|AG0001:s3.PutObjectAsync(request)|};
            }
            """, S3);
    }

    [Fact]
    public async Task Nothing_is_reported_without_a_catalogued_type()
    {
        await Verifier.VerifyAsync("""
            using System.Threading.Tasks;
            namespace Contoso.Amazon.S3
            {
                public interface IAmazonS3 { Task PutObjectAsync(object request); }
                class Exporter(IAmazonS3 s3)
                {
                    public Task Export() => s3.PutObjectAsync(new object());
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_message_names_the_api_and_help_link_points_at_the_rule_page()
    {
        var options = S3;
        var diagnostic = Assert.Single(await AnalyzerRun.DiagnosticsAsync(Usings + """
            class Exporter(IAmazonS3 s3)
            {
                public Task Export(PutObjectRequest request) => s3.PutObjectAsync(request);
            }
            """, options), d => d.Id == "AG0001");
        Assert.Equal("'IAmazonS3.PutObjectAsync' is a data export (uploads an object to Amazon S3) and runs outside an approval guard", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("https://github.com/actionguard/actionguard/blob/main/docs/rules/AG0001.md", diagnostic.Descriptor.HelpLinkUri);
        Assert.Equal("DataExport", diagnostic.Properties["Kind"]);
    }
}
