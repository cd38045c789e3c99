using System.IO.Pipelines;
using ActionGuard;
using ActionGuard.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAgent;

/// <summary>
/// The sample's run: an MCP server guards its share and delete tools with ActionGuard; an agent on
/// Microsoft.Extensions.AI calls all three tools through a real MCP client. A reviewer approves the share and denies the
/// delete; listing needs nobody. Checks itself; 0 when every tool behaved.
/// </summary>
public static class McpStory
{
    /// <summary>Why the reviewer denies the delete.</summary>
    public const string DenyReason = "finance records are kept for seven years";

    /// <summary>Runs the sample and returns its exit code.</summary>
    public static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var failures = new List<string>();
        void Expect(bool condition, string what)
        {
            output.WriteLine(condition ? $"   ✓ {what}" : $"   ✗ {what}");
            if (!condition)
            {
                failures.Add(what);
            }
        }

        // The approval backend: a reviewer shares to auditors and refuses deletions.
        using var backend = new InMemoryApprovalBackend();
        backend.When(a => a.Action.Kind == ActionKind.InfrastructureMutation).RespondWith(ApprovalScript.Deny("rita.records@example.com", DenyReason));
        backend.RespondWith(ApprovalScript.Approve("rita.records@example.com"));

        // The MCP server, as it would run behind stdio or HTTP; here its transport is a pair of in-process pipes.
        var clientToServer = new Pipe();
        var serverToClient = new Pipe();
        var shelf = new FileShelf();
        var server = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        server.Services.AddSingleton(shelf);
        server.Services.AddActionGuard(o => o.AgentId = "files-mcp").UseInMemoryBackend(backend);
        server.Services.AddMcpServer()
            .WithStreamServerTransport(clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream())
            .WithTools<FileTools>()
            .WithActionGuard(o => o.GuardDestructiveTools = true);
        using var host = server.Build();
        await host.StartAsync(cancellationToken);

        output.WriteLine("McpAgent — an MCP server whose share and delete tools wait for a person (in-memory backend; rita decides)\n");
        try
        {
            // The agent: a real MCP client, its tools handed to a chat pipeline with function invocation.
            await using var mcp = await McpClient.CreateAsync(
                new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()),
                cancellationToken: cancellationToken);
            var tools = await mcp.ListToolsAsync(cancellationToken: cancellationToken);
            output.WriteLine($"1. the server offers: {string.Join(", ", tools.Select(t => t.Name))}");

            using var agent = new ChatClientBuilder(new ScriptedModel()).UseFunctionInvocation(configure: f => f.AllowConcurrentInvocation = true).Build();
            var response = await agent.GetResponseAsync(
                "Send the Q3 report to the auditor and clean up the finance folder.",
                new ChatOptions { Tools = [.. tools] },
                cancellationToken);

            var results = response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToDictionary(r => r.CallId);
            output.WriteLine("2. the model asked for list_files, share_file and delete_folder in one turn; it read:");
            foreach (var (id, result) in results)
            {
                output.WriteLine($"   {id}: {result.Result}");
            }

            output.WriteLine("3. what happened:");
            Expect(results["call-1"].Result?.ToString()?.Contains("q3-report.pdf", StringComparison.Ordinal) == true, "list_files ran without asking anybody");
            Expect(shelf.Shared.SequenceEqual(["/finance/q3-report.pdf → auditor@partner.example"]), "share_file ran once, after rita approved it");
            Expect(shelf.Exists("/finance/payroll.xlsx"), "delete_folder never ran");
            Expect(results["call-3"].Result?.ToString()?.Contains(DenyReason, StringComparison.Ordinal) == true, "the model read why the delete was denied");
            var requests = backend.Requests.Select(r => r.Request).ToList();
            Expect(requests.Count == 2 && requests.Any(r => r.Action.Destination == "mailto:auditor@partner.example"), "the backend saw exactly the share and the delete");
            output.WriteLine($"4. the model's answer: {response.Messages[^1].Text}");
        }
        finally
        {
            await clientToServer.Writer.CompleteAsync();
            await serverToClient.Writer.CompleteAsync();
            await host.StopAsync(CancellationToken.None);
        }

        output.WriteLine(failures.Count == 0 ? "\nDone: each privileged MCP tool ran only as a person decided." : "\nFAILED: " + string.Join("; ", failures));
        return failures.Count == 0 ? 0 : 1;
    }
}
