using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ActionGuard.Mcp;

/// <summary>
/// An MCP server tool seen as an <see cref="AIFunction"/>, so the same guard that protects agent tools protects it:
/// the call's request travels in <see cref="AIFunctionArguments.Context"/>, and the tool runs with the frozen arguments.
/// </summary>
internal sealed class McpToolFunction : AIFunction
{
    private static readonly object RequestKey = new();

    private readonly McpServerTool _tool;

    public McpToolFunction(McpServerTool tool)
    {
        _tool = tool;
        UnderlyingMethod = FindMethod(tool);
    }

    public override string Name => _tool.ProtocolTool.Name;

    public override string Description => _tool.ProtocolTool.Description ?? string.Empty;

    public override JsonElement JsonSchema => _tool.ProtocolTool.InputSchema;

    public override MethodInfo? UnderlyingMethod { get; }

    public static AIFunctionArguments CreateArguments(RequestContext<CallToolRequestParams> request)
    {
        var arguments = new AIFunctionArguments
        {
            Services = request.Services,
            Context = new Dictionary<object, object?> { [RequestKey] = request },
        };
        if (request.Params?.Arguments is { } values)
        {
            foreach (var (name, value) in values)
            {
                arguments[name] = value;
            }
        }

        return arguments;
    }

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        if (arguments.Context?.TryGetValue(RequestKey, out var value) != true || value is not RequestContext<CallToolRequestParams> request)
        {
            throw new InvalidOperationException($"The MCP tool '{Name}' can only run inside an MCP tools/call request.");
        }

        // The frozen values replace whatever the request carried: what was approved is what the tool binds.
        var frozen = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, argument) in arguments)
        {
            frozen[name] = argument is JsonElement element ? element : JsonSerializer.SerializeToElement(argument, JsonSerializerOptions.GetTypeInfo(typeof(object)));
        }

        request.Params = new CallToolRequestParams { Name = Name, Arguments = frozen, Meta = request.Params?.Meta };
        return await _tool.InvokeAsync(request, cancellationToken).ConfigureAwait(false);
    }

    // MCP keeps the method of an attributed tool inside its own AIFunction, which it does not expose; ActionGuard needs
    // it for [Sensitive] and [Payload] on parameters. When it cannot be found, the caller treats every argument as
    // sensitive rather than guess.
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Only reads an MCP tool's function; a trimmed or renamed member yields null, and every argument is then masked.")]
    private static MethodInfo? FindMethod(McpServerTool tool)
    {
        try
        {
            return tool.GetType().GetProperty("AIFunction", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
                ?.GetValue(tool) is AIFunction function
                ? function.UnderlyingMethod
                : null;
        }
        catch (TargetInvocationException)
        {
            return null;
        }
    }
}
