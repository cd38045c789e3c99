using ActionGuard.Analyzers.Catalog;
using ActionGuard.Analyzers.Tests.TestSupport;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ActionGuard.Analyzers.Tests.Rules;

// Family rules classify an SDK by its own naming conventions, so operations nobody listed one by one are still caught.
public sealed class FamilyRuleTests
{
    // A service nobody catalogued by name: only the AWS family rules know it.
    private const string AwsLambda = """
        using System.Threading;
        using System.Threading.Tasks;

        namespace Amazon.Lambda
        {
            public interface IAmazonLambda
            {
                Task<object> CreateFunctionAsync(object request, CancellationToken cancellationToken = default);
                Task<object> AddPermissionAsync(object request, CancellationToken cancellationToken = default);
                Task<object> GetFunctionAsync(object request, CancellationToken cancellationToken = default);
                Task<object> ListFunctionsAsync(object request, CancellationToken cancellationToken = default);
                object DeleteFunction(object request);
            }

            public class AmazonLambdaClient : IAmazonLambda
            {
                public static AmazonLambdaClient CreateDefault() => new();
                public Task<object> CreateFunctionAsync(object request, CancellationToken cancellationToken = default) => Task.FromResult(request);
                public Task<object> AddPermissionAsync(object request, CancellationToken cancellationToken = default) => Task.FromResult(request);
                public Task<object> GetFunctionAsync(object request, CancellationToken cancellationToken = default) => Task.FromResult(request);
                public Task<object> ListFunctionsAsync(object request, CancellationToken cancellationToken = default) => Task.FromResult(request);
                public object DeleteFunction(object request) => request;
                public Task<object> UpdateFunctionCodeAsync(object request, CancellationToken cancellationToken = default) => Task.FromResult(request);
            }
        }
        """;

    [Fact]
    public async Task Operations_of_an_uncatalogued_AWS_service_are_classified_by_their_names()
    {
        await Verifier.VerifyAsync("""
            using System.Threading.Tasks;
            using Amazon.Lambda;

            class Deployer(IAmazonLambda lambda, AmazonLambdaClient client)
            {
                public async Task Run()
                {
                    await {|AG0003:lambda.CreateFunctionAsync(new object())|};
                    await {|AG0002:lambda.AddPermissionAsync(new object())|};
                    {|AG0003:lambda.DeleteFunction(new object())|};
                    await {|AG0003:client.UpdateFunctionCodeAsync(new object())|};
                    await {|AG0003:client.CreateFunctionAsync(new object())|};
                    await lambda.GetFunctionAsync(new object());
                    await client.ListFunctionsAsync(new object());
                    var other = AmazonLambdaClient.CreateDefault();
                }
            }
            """, TestOptions.WithStubs(AwsLambda));
    }

    [Fact]
    public async Task A_users_family_rule_flags_a_whole_client_and_can_silence_part_of_it()
    {
        var options = TestOptions.WithStubs("""
            using System.Threading.Tasks;
            namespace Contoso.Billing.V2
            {
                public class InvoiceClient
                {
                    public Task ExportInvoicesAsync(string to) => Task.CompletedTask;
                    public Task ExportDraftAsync(string to) => Task.CompletedTask;
                    public Task ListAsync() => Task.CompletedTask;
                }
            }
            """);
        options.AdditionalFiles.Add(("ActionGuard.Sensitive.txt", """
            M:Contoso.Billing.**Client.ExportDraft;Ignore;drafts stay inside
            M:Contoso.Billing.**Client.Export*;DataExport;exports billing data
            """));

        await Verifier.VerifyAsync("""
            using System.Threading.Tasks;
            using Contoso.Billing.V2;

            class Agent(InvoiceClient invoices)
            {
                public async Task Run()
                {
                    await {|AG0001:invoices.ExportInvoicesAsync("partner")|};
                    await invoices.ExportDraftAsync("partner");
                    await invoices.ListAsync();
                }
            }
            """, options);
    }

    [Fact]
    public async Task An_exact_user_entry_beats_a_built_in_family_rule()
    {
        var options = TestOptions.WithStubs(AwsLambda);
        options.AdditionalFiles.Add(("ActionGuard.Sensitive.txt", """
            M:Amazon.Lambda.IAmazonLambda.CreateFunctionAsync;Ignore;our deploy pipeline approves functions itself
            """));

        await Verifier.VerifyAsync("""
            using System.Threading.Tasks;
            using Amazon.Lambda;

            class Deployer(IAmazonLambda lambda)
            {
                public async Task Run()
                {
                    await lambda.CreateFunctionAsync(new object());
                    {|AG0003:lambda.DeleteFunction(new object())|};
                }
            }
            """, options);
    }

    [Fact]
    public async Task Invalid_wildcard_ids_are_reported_with_what_is_wrong()
    {
        var options = new TestOptions();
        options.AdditionalFiles.Add(("ActionGuard.Sensitive.txt", """
            M:*.Client.Delete*;InfrastructureMutation;no root
            M:Contoso.*Client.{Delete,Remove*};InfrastructureMutation;wildcard in words
            M:Contoso.*Client.Delete*(System.String);InfrastructureMutation;parameters
            M:Contoso.*Client.{Delete;InfrastructureMutation;unclosed
            M:Contoso.**Client.Delete**;InfrastructureMutation;crossing names in a member
            """));
        var errors = (await AnalyzerRun.DiagnosticsAsync("class Empty { }", options)).Where(d => d.Id == "AG0008")
            .OrderBy(d => d.Location.GetLineSpan().StartLinePosition.Line).ToList();

        Assert.Equal([0, 1, 2, 3, 4], errors.Select(e => e.Location.GetLineSpan().StartLinePosition.Line));
        Assert.Contains("root namespace written out", errors[0].GetMessage(), StringComparison.Ordinal);
        Assert.Contains("no wildcards, dots or braces inside", errors[1].GetMessage(), StringComparison.Ordinal);
        Assert.Contains("no parameter list", errors[2].GetMessage(), StringComparison.Ordinal);
        Assert.Contains("never closed", errors[3].GetMessage(), StringComparison.Ordinal);
        Assert.Contains("'**' crosses names", errors[4].GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void No_family_rule_is_kept_for_a_compilation_without_its_root_namespace()
    {
        var plain = CSharpCompilation.Create("Plain", [CSharpSyntaxTree.ParseText("class C { }")], TestReferences.All);
        var aws = CSharpCompilation.Create("Aws", [CSharpSyntaxTree.ParseText(AwsLambda)], TestReferences.All);

        Assert.Equal(0, FamilyCount(SensitiveApiCatalog.Create(plain, [])));
        Assert.True(FamilyCount(SensitiveApiCatalog.Create(aws, [])) > 0);
    }

    [Theory]
    [InlineData("Amazon.*.IAmazon*", "Amazon.S3.IAmazonS3", true)]
    [InlineData("Amazon.*.IAmazon*", "Amazon.S3.Model.IAmazonThing", false)]
    [InlineData("Azure.ResourceManager.**Collection", "Azure.ResourceManager.Compute.VirtualMachineCollection", true)]
    [InlineData("Azure.ResourceManager.**Collection", "Azure.ResourceManagerX.FooCollection", false)]
    [InlineData("k8s.{Generic,Typed}Client", "k8s.GenericClient", true)]
    [InlineData("k8s.{Generic,Typed}Client", "k8s.OtherClient", false)]
    public void Type_patterns_keep_star_within_one_name(string pattern, string typeId, bool matches)
    {
        Assert.Null(DocIdPattern.TryParse(pattern, isMethod: false, out var parsed));
        Assert.Equal(matches, parsed!.MatchesType(typeId));
    }

    [Theory]
    [InlineData("Delete*", "DeleteBucketAsync", true)]
    [InlineData("{Create,Delete}", "CreateAsync", true)]
    [InlineData("CreateAsync", "Create", true)]
    [InlineData("{Create,Delete}", "CreateBucket", false)]
    [InlineData("{Put}*{Acl,Policy}*", "PutBucketPolicyAsync", true)]
    [InlineData("{Put}*{Acl,Policy}*", "GetBucketPolicyAsync", false)]
    public void Member_patterns_take_sync_and_async_twins_together(string member, string name, bool matches)
    {
        Assert.Null(DocIdPattern.TryParse("Contoso.Client." + member, isMethod: true, out var parsed));
        Assert.Equal(matches, parsed!.MatchesMember(name));
    }

    private static int FamilyCount(SensitiveApiCatalog catalog) => catalog.FamilyCount;
}
