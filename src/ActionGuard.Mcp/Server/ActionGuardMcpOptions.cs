using ActionGuard.AI;
using ActionGuard.Utils;

namespace ActionGuard.Mcp;

/// <summary>Configures which tools of an MCP server ActionGuard guards, and how.</summary>
/// <remarks>
/// Every tool whose method carries <see cref="RequiresApprovalAttribute"/> is guarded. <see cref="GuardDestructiveTools"/>
/// adds every tool annotated destructive, and <see cref="Guard(string, ActionKind, Action{GuardedAIFunctionOptions}?)"/>
/// adds tools by name.
/// </remarks>
public sealed class ActionGuardMcpOptions
{
    private readonly Dictionary<string, (string Kind, Action<GuardedAIFunctionOptions>? Configure)> _tools = new(StringComparer.Ordinal);
    private string _destructiveKind = ActionKinds.InfrastructureMutation;

    /// <summary>
    /// Gets or sets whether tools annotated destructive (<c>DestructiveHint</c>, e.g. <c>[McpServerTool(Destructive = true)]</c>)
    /// are guarded even without <see cref="RequiresApprovalAttribute"/>; <see langword="false"/> by default.
    /// </summary>
    public bool GuardDestructiveTools { get; set; }

    /// <summary>Gets or sets the kind a destructive tool without the attribute is requested under; <c>infrastructure_mutation</c> by default.</summary>
    /// <exception cref="ArgumentException">The value is not a valid kind name.</exception>
    public string DestructiveToolKind
    {
        get => _destructiveKind;
        set => _destructiveKind = ValidKind(value, nameof(DestructiveToolKind));
    }

    /// <summary>Guards the tool named <paramref name="toolName"/> as an action of a built-in kind.</summary>
    /// <param name="toolName">The tool's name as clients see it.</param>
    /// <param name="kind">The category of the action.</param>
    /// <param name="configure">Describes the action.</param>
    /// <returns>These options, for chaining.</returns>
    public ActionGuardMcpOptions Guard(string toolName, ActionKind kind, Action<GuardedAIFunctionOptions>? configure = null) =>
        Guard(toolName, ActionKinds.ToName(kind), configure);

    /// <summary>Guards the tool named <paramref name="toolName"/> as an action of a custom kind.</summary>
    /// <param name="toolName">The tool's name as clients see it.</param>
    /// <param name="kind">The custom kind.</param>
    /// <param name="configure">Describes the action.</param>
    /// <returns>These options, for chaining.</returns>
    public ActionGuardMcpOptions Guard(string toolName, string kind, Action<GuardedAIFunctionOptions>? configure = null)
    {
        Utils.Guard.NotNullOrEmpty(toolName);
        _tools[toolName] = (ValidKind(kind, nameof(kind)), configure);
        return this;
    }

    internal bool TryGetConfigured(string toolName, out (string Kind, Action<GuardedAIFunctionOptions>? Configure) configured) =>
        _tools.TryGetValue(toolName, out configured);

    private static string ValidKind(string kind, string paramName)
    {
        Utils.Guard.NotNull(kind, paramName);
        return ActionKinds.IsValidName(kind)
            ? kind
            : throw new ArgumentException(
                $"Action kind '{kind}' is not valid: use a lower-case letter followed by up to 63 lower-case letters, digits, '.', '_' or '-'.",
                paramName);
    }
}
