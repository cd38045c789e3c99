using System.Reflection;
using ActionGuard.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace ActionGuard.Mcp;

/// <summary>Replaces the server's tools that need approval by guarded ones, after every other setup added its tools.</summary>
internal sealed class ActionGuardMcpToolsSetup(ActionGuardMcpOptions options) : IPostConfigureOptions<McpServerOptions>
{
    public void PostConfigure(string? name, McpServerOptions serverOptions)
    {
        if (serverOptions.ToolCollection is not { } tools)
        {
            return;
        }

        foreach (var tool in tools.ToArray())
        {
            if (Guard(tool) is { } guarded)
            {
                tools.Remove(tool);
                tools.Add(guarded);
            }
        }
    }

    private GuardedMcpServerTool? Guard(McpServerTool tool)
    {
        if (tool is GuardedMcpServerTool)
        {
            return null;
        }

        var function = new McpToolFunction(tool);
        if (options.Tools.TryGuard(function) is { } named)
        {
            return new GuardedMcpServerTool(tool, named);
        }

        var attribute = tool.Metadata.OfType<RequiresApprovalAttribute>().FirstOrDefault();
        ActionKind kind;
        if (attribute is not null)
        {
            kind = attribute.Kind;
        }
        else if (options.GuardDestructiveTools && tool.ProtocolTool.Annotations?.DestructiveHint == true)
        {
            kind = options.DestructiveToolKind;
        }
        else
        {
            return null;
        }

        var argumentNames = ArgumentNames(function);
        GuardedAIFunction guarded = function.WithActionGuard(kind, o =>
        {
            if (function.UnderlyingMethod is null && attribute is not null)
            {
                // Without the method, [Sensitive] on its parameters cannot be read: mask every argument instead.
                foreach (var argument in argumentNames)
                {
                    o.SensitiveArguments.Add(argument);
                }
            }
        });
        return new GuardedMcpServerTool(tool, guarded);
    }

    private static List<string> ArgumentNames(AIFunction function) =>
        function.JsonSchema.ValueKind == System.Text.Json.JsonValueKind.Object
        && function.JsonSchema.TryGetProperty("properties", out var properties)
        && properties.ValueKind == System.Text.Json.JsonValueKind.Object
            ? properties.EnumerateObject().Select(static p => p.Name).ToList()
            : [];
}
