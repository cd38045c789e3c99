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
    private readonly Dictionary<string, (string Kind, Action<GuardedAIFunctionOptions>? Configure)> _tools = new(StringComparer.Ordinal);

    /// <summary>Guards the tool named <paramref name="toolName"/> as an action of a built-in kind.</summary>
    /// <param name="toolName">The tool's name as the model or client sees it.</param>
    /// <param name="kind">The category of the action.</param>
    /// <param name="configure">Describes the action.</param>
    /// <returns>This table, for chaining.</returns>
    public ToolGuards Guard(string toolName, ActionKind kind, Action<GuardedAIFunctionOptions>? configure = null) =>
        Guard(toolName, ActionKinds.ToName(kind), configure);

    /// <summary>Guards the tool named <paramref name="toolName"/> as an action of a custom kind.</summary>
    /// <param name="toolName">The tool's name as the model or client sees it.</param>
    /// <param name="kind">The custom kind, named as <see cref="ActionKinds.IsValidName"/> accepts.</param>
    /// <param name="configure">Describes the action.</param>
    /// <returns>This table, for chaining.</returns>
    /// <exception cref="ArgumentException">The kind is not valid.</exception>
    public ToolGuards Guard(string toolName, string kind, Action<GuardedAIFunctionOptions>? configure = null)
    {
        Utils.Guard.NotNullOrEmpty(toolName);
        _tools[toolName] = (ActionKinds.ValidateCustom(kind, nameof(kind)), configure);
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
