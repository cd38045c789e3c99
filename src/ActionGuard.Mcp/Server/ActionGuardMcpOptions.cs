using ActionGuard.AI;
using ActionGuard.Utils;

namespace ActionGuard.Mcp;

/// <summary>Configures which tools of an MCP server ActionGuard guards, and how.</summary>
/// <remarks>
/// Every tool whose method carries <see cref="RequiresApprovalAttribute"/> is guarded. <see cref="GuardDestructiveTools"/>
/// adds every tool annotated destructive, and <see cref="Tools"/> adds tools by name.
/// </remarks>
public sealed class ActionGuardMcpOptions
{
    private ActionKind _destructiveKind = ActionKind.InfrastructureMutation;

    /// <summary>
    /// Gets or sets whether tools annotated destructive (<c>DestructiveHint</c>, e.g. <c>[McpServerTool(Destructive = true)]</c>)
    /// are guarded even without <see cref="RequiresApprovalAttribute"/>; <see langword="false"/> by default.
    /// </summary>
    public bool GuardDestructiveTools { get; set; }

    /// <summary>Gets or sets the kind a destructive tool without the attribute is requested under; <c>infrastructure_mutation</c> by default.</summary>
    /// <exception cref="ArgumentException">The value is not a valid kind name.</exception>
    public ActionKind DestructiveToolKind
    {
        get => _destructiveKind;
        set => _destructiveKind = Guard.NotDefault(value, nameof(DestructiveToolKind));
    }

    /// <summary>Gets the tools guarded by name.</summary>
    public ToolGuards Tools { get; } = new();
}
