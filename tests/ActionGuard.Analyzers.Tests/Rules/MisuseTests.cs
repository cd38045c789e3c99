using ActionGuard.Analyzers.Tests.TestSupport;

namespace ActionGuard.Analyzers.Tests.Rules;

public sealed class MisuseTests
{
    private const string Service = """
        using System.Threading;
        using System.Threading.Tasks;
        using ActionGuard;

        public interface IExporter
        {
            Task Export(string bucket, CancellationToken cancellationToken = default);
            Task Preview(string bucket);
        }

        public class Exporter : IExporter
        {
            [RequiresApproval(ActionKind.DataExport, Resource = "s3://{bucket}")]
            public Task Export(string bucket, CancellationToken cancellationToken = default) => Task.CompletedTask;

            public Task Preview(string bucket) => Task.CompletedTask;
        }
        """;

    [Fact]
    public async Task Calling_a_guarded_method_on_its_implementation_is_a_bypass()
    {
        await Verifier.VerifyAsync("""
            using System.Threading.Tasks;
            using ActionGuard;

            class Agent(IExporter service, Exporter implementation, IActionGuard guard)
            {
                public async Task Run()
                {
                    await service.Export("b");
                    await {|AG0004:implementation.Export("b")|};
                    await implementation.Preview("b");
                    await guard.ExecuteAsync(new GuardedAction(ActionKind.DataExport, "Export"), ct => implementation.Export("b", ct));
                }

                [RequiresApproval(ActionKind.DataExport)]
                public Task Nested(Exporter inner) => inner.Export("b");
            }
            """, TestOptions.WithStubs(Service));
    }

    [Fact]
    public async Task Bypass_message_names_the_interface_to_call_through()
    {
        var options = TestOptions.WithStubs(Service);
        var diagnostic = Assert.Single(await AnalyzerRun.DiagnosticsAsync("class Agent { public System.Threading.Tasks.Task Run(Exporter e) => e.Export(\"b\"); }", options), d => d.Id == "AG0004");
        Assert.Contains("call it through 'IExporter'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Template_naming_a_missing_cancellation_or_sensitive_parameter_is_an_error()
    {
        await Verifier.VerifyAsync("""
            using System.Threading;
            using System.Threading.Tasks;
            using ActionGuard;

            public interface IOps
            {
                [RequiresApproval(ActionKind.DataExport, Resource = "s3://{bucket}/{key}", Destination = {|AG0005:"{target}"|})]
                Task Export(string bucket, string key);

                [RequiresApproval(ActionKind.DataExport, Resource = {|AG0005:"{cancellationToken}"|})]
                Task Cancel(CancellationToken cancellationToken);

                [RequiresApproval(ActionKind.PermissionChange, Resource = {|AG0005:"user:{password}"|})]
                Task SetPassword(string user, [Sensitive] string password);

                [RequiresApproval(ActionKind.PermissionChange, Resource = {|AG0005:"{user"|})]
                Task Unclosed(string user);

                [RequiresApproval(ActionKind.PermissionChange, Resource = "{{literal}} {user}")]
                Task Escaped(string user);
            }
            """);
    }

    [Fact]
    public async Task Missing_parameter_message_lists_the_parameters()
    {
        var options = new TestOptions();
        var diagnostic = Assert.Single(await AnalyzerRun.DiagnosticsAsync("""
            using ActionGuard;
            public interface IOps { [RequiresApproval(ActionKind.DataExport, Resource = "{bukket}")] void Export(string bucket, string key); }
            """, options), d => d.Id == "AG0005");
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains("names parameter 'bukket', which 'Export' does not have (its parameters are bucket, key)", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dropped_guard_task_is_reported()
    {
        await Verifier.VerifyAsync("""
            using System.Threading;
            using System.Threading.Tasks;
            using ActionGuard;

            class Agent(IActionGuard guard)
            {
                private static readonly GuardedAction Action = new(ActionKind.DataExport, "Export");

                public async Task Run()
                {
                    {|AG0006:guard.ExecuteAsync(Action, ct => Task.CompletedTask)|};
                    _ = {|AG0006:guard.ExecuteAsync(Action, ct => Task.CompletedTask)|};
                    {|AG0006:guard.ExecuteAsync(Action, ct => Task.CompletedTask)|}.ConfigureAwait(false);
                    await guard.ExecuteAsync(Action, ct => Task.CompletedTask);
                    await guard.ExecuteAsync(Action, ct => Task.CompletedTask).ConfigureAwait(false);
                    var pending = guard.ExecuteAsync(Action, ct => Task.CompletedTask);
                    await pending;
                }

                public Task Forward() => guard.ExecuteAsync(Action, ct => Task.CompletedTask);
            }
            """);
    }

    [Fact]
    public async Task Secret_looking_parameter_of_a_guarded_method_must_be_Sensitive()
    {
        await Verifier.VerifyAsync("""
            using System.Net;
            using System.Threading;
            using System.Threading.Tasks;
            using ActionGuard;

            public interface IOps
            {
                [RequiresApproval(ActionKind.PermissionChange)]
                Task CreateUser(string userName, string {|AG0007:initialPassword|}, string {|AG0007:apiKey|}, NetworkCredential {|AG0007:login|}, int maxTokens, string tokenizer, CancellationToken cancellationToken);

                [RequiresApproval(ActionKind.PermissionChange)]
                Task Rotate(string user, [Sensitive] string accessToken);

                Task Unguarded(string password);
            }

            public class Ops : IOps
            {
                public Task CreateUser(string userName, string initialPassword, string apiKey, NetworkCredential login, int maxTokens, string tokenizer, CancellationToken cancellationToken) => Task.CompletedTask;

                [RequiresApproval(ActionKind.PermissionChange)]
                public Task Rotate(string user, string accessToken) => Task.CompletedTask;

                public Task Unguarded(string password) => Task.CompletedTask;
            }
            """);
    }
}
