using ActionGuard.Mcp;
using ActionGuard.Utils;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds ActionGuard to an MCP server.</summary>
public static class ActionGuardMcpServerBuilderExtensions
{
    /// <summary>
    /// Guards every tool whose method carries <see cref="ActionGuard.RequiresApprovalAttribute"/> (and, by option, every
    /// destructive tool or tools named in <paramref name="configure"/>): a <c>tools/call</c> runs only after a verified
    /// human approval on the ActionGuard backend. Register ActionGuard itself with <c>services.AddActionGuard(...)</c>.
    /// </summary>
    /// <param name="builder">The MCP server builder.</param>
    /// <param name="configure">Adds destructive or named tools.</param>
    /// <returns>The builder.</returns>
    /// <example>
    /// <code>
    /// services.AddActionGuard(o => { o.Endpoint = approvals; o.AgentId = "files-mcp"; });
    /// services.AddMcpServer().WithStdioServerTransport().WithTools&lt;FileTools&gt;().WithActionGuard();
    /// </code>
    /// </example>
    public static IMcpServerBuilder WithActionGuard(this IMcpServerBuilder builder, Action<ActionGuardMcpOptions>? configure = null)
    {
        Guard.NotNull(builder);
        var options = new ActionGuardMcpOptions();
        configure?.Invoke(options);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<McpServerOptions>>(new ActionGuardMcpToolsSetup(options)));
        return builder;
    }
}
