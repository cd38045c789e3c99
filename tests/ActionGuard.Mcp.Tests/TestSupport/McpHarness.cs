using System.IO.Pipelines;
using ActionGuard.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace ActionGuard.Mcp.Tests.TestSupport;

/// <summary>A real MCP server (with ActionGuard on an in-memory backend) and a real MCP client, joined by in-memory pipes.</summary>
internal sealed class McpHarness : IAsyncDisposable
{
    private readonly Pipe _clientToServer = new();
    private readonly Pipe _serverToClient = new();
    private IHost? _host;

    public InMemoryApprovalBackend Backend { get; } = new();

    public ToolRuns Runs { get; } = new();

    public McpClient Client { get; private set; } = null!;

    public static async Task<McpHarness> StartAsync(Action<ActionGuardMcpOptions>? configure = null, bool guarded = true)
    {
        var harness = new McpHarness();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(harness.Runs);
        builder.Services.AddActionGuard(o => o.AgentId = "files-mcp").UseInMemoryBackend(harness.Backend);
        var mcp = builder.Services.AddMcpServer()
            .WithStreamServerTransport(harness._clientToServer.Reader.AsStream(), harness._serverToClient.Writer.AsStream())
            .WithTools<FileTools>();
        if (guarded)
        {
            mcp.WithActionGuard(configure);
        }

        harness._host = builder.Build();
        await harness._host.StartAsync();
        harness.Client = await McpClient.CreateAsync(
            new StreamClientTransport(harness._clientToServer.Writer.AsStream(), harness._serverToClient.Reader.AsStream()));
        return harness;
    }

    public static string Text(CallToolResult result) =>
        string.Concat(result.Content.OfType<TextContentBlock>().Select(static c => c.Text));

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _clientToServer.Writer.CompleteAsync();
        await _serverToClient.Writer.CompleteAsync();
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        Backend.Dispose();
    }
}
