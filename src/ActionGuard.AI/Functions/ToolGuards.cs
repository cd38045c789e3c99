using ActionGuard.Utils;
using Microsoft.Extensions.AI;

namespace ActionGuard.AI;

/// <summary>
/// Tools guarded by name — for tools that carry no <see cref="RequiresApprovalAttribute"/>, such as remote MCP tools,
/// prompt functions or a vendor's functions — each with its kind and how to describe its action. One table serves the
/// chat client, the agent, the MCP server and the kernel integrations.
/// </summary>
public sealed class ToolGuards
{
    private readonly Dictionary<string, (ActionKind Kind, Action<GuardedAIFunctionOptions>? Configure)> _tools = new(StringComparer.Ordinal);

    /// <summary>Guards the tool named <paramref name="toolName"/> as an action of the given kind.</summary>
    /// <param name="toolName">The tool's name as the model or client sees it.</param>
    /// <param name="kind">The category of the action: a built-in kind such as <see cref="ActionKind.DataExport"/>, or a custom kind name.</param>
    /// <param name="configure">Describes the action.</param>
    /// <returns>This table, for chaining.</returns>
    /// <exception cref="ArgumentException">The kind is <see langword="default"/>, or the tool name is empty.</exception>
    public ToolGuards Guard(string toolName, ActionKind kind, Action<GuardedAIFunctionOptions>? configure = null)
    {
        Utils.Guard.NotNullOrEmpty(toolName);
        _tools[toolName] = (Utils.Guard.NotDefault(kind), configure);
        return this;
    }

    /// <summary>Returns the guarded form of <paramref name="function"/> when its name is in the table, else <see langword="null"/>.</summary>
    /// <param name="function">The tool.</param>
    /// <returns>The guarded function, or <see langword="null"/>.</returns>
    public GuardedAIFunction? TryGuard(AIFunction function)
    {
        Utils.Guard.NotNull(function);
        return _tools.TryGetValue(function.Name, out var entry) ? function.WithActionGuard(entry.Kind, entry.Configure) : null;
    }
}
