using ActionGuard.Package.Tests.TestSupport;

namespace ActionGuard.Package.Tests;

/// <summary>
/// The user's path: a new project outside this repository that references only the packages, writes a guarded interface,
/// runs it against the in-memory backend, and builds with the packaged analyzer.
/// </summary>
[Collection(PackagesGroup.Name)]
public sealed class ConsumerProjectTests(PackedPackages packages)
{
    // A stand-in for the AWS SDK with the namespace and signature the analyzer's catalog knows, so no AWS package is
    // needed; the analyzer matches on the API's documentation-comment id.
    private const string AmazonS3Stub = """
        namespace Amazon.S3
        {
            public interface IAmazonS3
            {
                Task PutObjectAsync(string bucket, string key, string body, CancellationToken cancellationToken = default);
            }
        }
        """;

    [Fact]
    public async Task A_guarded_interface_runs_when_approved_and_throws_ActionDeniedException_when_denied()
    {
        var app = packages.CreateProjectDirectory("guarded-app");
        await File.WriteAllTextAsync(Path.Combine(app, "GuardedApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <!-- As a user's CI would: any analyzer finding fails the build, so a false positive on guarded code shows. -->
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ActionGuard" Version="{packages.Version}" />
                <PackageReference Include="ActionGuard.Testing" Version="{packages.Version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "AmazonS3.cs"), AmazonS3Stub);
        await File.WriteAllTextAsync(Path.Combine(app, "CustomerExporter.cs"), """
            using ActionGuard;
            using Amazon.S3;

            public interface ICustomerExporter
            {
                [RequiresApproval(ActionKind.DataExport, Resource = "crm://customers/{segment}", Destination = "s3://{bucket}/customers.csv")]
                Task<int> ExportAsync(string segment, string bucket, CancellationToken cancellationToken);
            }

            public sealed class CustomerExporter(IAmazonS3 s3) : ICustomerExporter
            {
                public async Task<int> ExportAsync(string segment, string bucket, CancellationToken cancellationToken)
                {
                    // Guarded: this method implements an interface member that requires approval.
                    await s3.PutObjectAsync(bucket, "customers.csv", "id,email", cancellationToken);
                    return 42;
                }
            }

            public sealed class RecordingS3 : IAmazonS3
            {
                public List<string> Uploads { get; } = [];

                public Task PutObjectAsync(string bucket, string key, string body, CancellationToken cancellationToken = default)
                {
                    Uploads.Add($"{bucket}/{key}");
                    return Task.CompletedTask;
                }
            }
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using ActionGuard;
            using ActionGuard.Testing;
            using Amazon.S3;
            using Microsoft.Extensions.DependencyInjection;

            using var backend = new InMemoryApprovalBackend();
            backend.RespondWith(ApprovalScript.Approve("alice@example.com"));
            backend.When(a => a.Action.Resource == "crm://customers/vip").RespondWith(ApprovalScript.Deny("bob@example.com", "not the VIP list"));

            var s3 = new RecordingS3();
            var services = new ServiceCollection();
            services.AddSingleton<IAmazonS3>(s3);
            services.AddActionGuard(o => o.AgentId = "billing-agent")
                .UseInMemoryBackend(backend)
                .AddGuardedScoped<ICustomerExporter, CustomerExporter>();

            await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            await using var scope = provider.CreateAsyncScope();
            var exporter = scope.ServiceProvider.GetRequiredService<ICustomerExporter>();

            var rows = await exporter.ExportAsync("emea", "exports", CancellationToken.None);
            Console.WriteLine($"approved: {rows} rows, uploads: {string.Join(",", s3.Uploads)}");

            try
            {
                await exporter.ExportAsync("vip", "exports", CancellationToken.None);
                Console.WriteLine("denied action ran");
                return 1;
            }
            catch (ActionDeniedException e)
            {
                Console.WriteLine($"denied by {e.DeniedBy?.Subject}: {e.Reason}; uploads: {s3.Uploads.Count}");
            }

            Console.WriteLine($"backend saw {backend.Requests.Count} requests");

            // The batched outcome API: a repeat of the recorded outcome is answered as before, an outcome for the denied
            // request is refused for that item alone.
            using var client = backend.CreateClient("billing-agent");
            var outcomes = await client.ReportOutcomesAsync(
            [
                new ActionGuard.Client.OutcomeReport { ApprovalId = backend.Requests[0].ApprovalId!, Status = ActionGuard.Client.OutcomeStatus.Succeeded },
                new ActionGuard.Client.OutcomeReport { ApprovalId = backend.Requests[1].ApprovalId!, Status = ActionGuard.Client.OutcomeStatus.Failed, Error = "not run" },
            ]);
            Console.WriteLine($"outcomes: {outcomes[0].Status}, {outcomes[1].Status?.ToString() ?? outcomes[1].ProblemType}");
            return 0;
            """);

        var run = await DotnetCli.RunAsync(app, ["run", "-c", "Release"]);

        Assert.True(run.Succeeded, run.ToString());
        Assert.Contains("approved: 42 rows, uploads: exports/customers.csv", run.Output, StringComparison.Ordinal);
        Assert.Contains("denied by bob@example.com: not the VIP list; uploads: 1", run.Output, StringComparison.Ordinal);
        Assert.Contains("backend saw 2 requests", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"outcomes: Succeeded, \S*not-executing", run.Output);
    }

    [Fact]
    public async Task A_chat_client_with_UseActionGuard_runs_an_approved_tool_call_and_tells_the_model_of_a_denial()
    {
        // A user's agent on the newer Microsoft.Extensions.AI 11.0.0 (ActionGuard.AI is built against 10.11.0).
        var app = packages.CreateProjectDirectory("chat-agent");
        await File.WriteAllTextAsync(Path.Combine(app, "ChatAgent.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ActionGuard.AI" Version="{packages.Version}" />
                <PackageReference Include="ActionGuard.Testing" Version="{packages.Version}" />
                <PackageReference Include="Microsoft.Extensions.AI" Version="11.0.0" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using ActionGuard;
            using ActionGuard.Testing;
            using Microsoft.Extensions.AI;
            using Microsoft.Extensions.DependencyInjection;

            using var backend = new InMemoryApprovalBackend();
            backend.RespondWith(ApprovalScript.Approve("alice@example.com"));
            backend.When(a => a.Action.Resource == "iam://roles/admin").RespondWith(ApprovalScript.Deny("bob@example.com", "no admins"));

            var services = new ServiceCollection();
            services.AddActionGuard(o => o.AgentId = "chat-agent").UseInMemoryBackend(backend);
            await using var provider = services.BuildServiceProvider();

            var iam = new Iam();
            using var client = new ChatClientBuilder(new TwoCallModel()).UseActionGuard().UseFunctionInvocation().Build(provider);
            var response = await client.GetResponseAsync("grant", new ChatOptions { Tools = [AIFunctionFactory.Create(iam.Grant, "grant")] });

            Console.WriteLine($"granted: {string.Join(",", iam.Granted)}");
            Console.WriteLine($"model read: {response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Last().Result}");
            Console.WriteLine($"backend saw {backend.Requests.Count} requests");
            return 0;

            sealed class Iam
            {
                public List<string> Granted { get; } = [];

                [RequiresApproval(ActionKind.PermissionChange, Resource = "iam://roles/{role}")]
                public string Grant(string user, string role)
                {
                    Granted.Add($"{role}:{user}");
                    return "ok";
                }
            }

            // A deterministic model: one turn asks for two grants, the next one answers.
            sealed class TwoCallModel : IChatClient
            {
                private int _turn;

                public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
                    Task.FromResult(new ChatResponse(_turn++ == 0
                        ? new ChatMessage(ChatRole.Assistant, [
                            new FunctionCallContent("1", "grant", new Dictionary<string, object?> { ["user"] = "ann", ["role"] = "reader" }),
                            new FunctionCallContent("2", "grant", new Dictionary<string, object?> { ["user"] = "ann", ["role"] = "admin" })])
                        : new ChatMessage(ChatRole.Assistant, "done")));

                public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
                    throw new NotSupportedException();

                public object? GetService(Type serviceType, object? serviceKey = null) => null;

                public void Dispose()
                {
                }
            }
            """);

        var run = await DotnetCli.RunAsync(app, ["run", "-c", "Release"]);

        Assert.True(run.Succeeded, run.ToString());
        Assert.Contains("granted: reader:ann", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("admin:ann", run.Output, StringComparison.Ordinal);
        Assert.Contains("denied by", run.Output, StringComparison.Ordinal);
        Assert.Contains("no admins", run.Output, StringComparison.Ordinal);
        Assert.Contains("backend saw 2 requests", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_packaged_analyzer_fails_a_build_with_unguarded_exports_and_writes_SARIF_2_1()
    {
        var app = packages.CreateProjectDirectory("unguarded-app");
        await File.WriteAllTextAsync(Path.Combine(app, "UnguardedApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ActionGuard" Version="{packages.Version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "AmazonS3.cs"), AmazonS3Stub);
        await File.WriteAllTextAsync(Path.Combine(app, "Tools.cs"), """
            using System.Diagnostics;
            using Amazon.S3;

            public sealed class Tools(IAmazonS3 s3)
            {
                public Task ExportAsync(string bucket) => s3.PutObjectAsync(bucket, "customers.csv", "id,email");

                public void DeleteDeployment() => Process.Start("kubectl", "delete deployment web");
            }
            """);

        var sarif = Path.Combine(app, "build.sarif");
        var build = await DotnetCli.RunAsync(app, ["build", "-c", "Release", "-warnaserror", $"-p:ActionGuardSarifLog={sarif}"]);

        Assert.False(build.Succeeded, build.ToString());
        Assert.Contains("error AG0001", build.Output, StringComparison.Ordinal);
        Assert.Contains("error AG0003", build.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("CS9057", build.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("CS8032", build.Output, StringComparison.Ordinal);

        Assert.True(File.Exists(sarif), "No SARIF log was written.\n" + build);
        var log = await File.ReadAllTextAsync(sarif);
        Assert.Contains("\"AG0001\"", log, StringComparison.Ordinal);
        Assert.Contains("\"AG0003\"", log, StringComparison.Ordinal);
        Assert.Contains("docs/rules/AG0001.md", log, StringComparison.Ordinal);

        // The version code scanning reads, chosen by the package's ActionGuardSarifLog property.
        using var document = System.Text.Json.JsonDocument.Parse(log);
        Assert.Equal("2.1.0", document.RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public async Task The_tool_package_installs_and_runs_the_actionguard_command()
    {
        var directory = packages.CreateProjectDirectory("tool");
        var toolPath = Path.Combine(directory, "bin");

        var install = await DotnetCli.RunAsync(
            directory,
            ["tool", "install", "ActionGuard.Cli", "--version", packages.Version, "--tool-path", toolPath]);
        Assert.True(install.Succeeded, install.ToString());

        var help = await DotnetCli.RunToolAsync(directory, Path.Combine(toolPath, "actionguard"), ["--help"]);
        Assert.True(help.Succeeded, help.ToString());
        foreach (var command in new[] { "serve", "approvals", "approve", "deny", "audit" })
        {
            Assert.Contains(command, help.Output, StringComparison.Ordinal);
        }
    }
}
