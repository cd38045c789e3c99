using ActionGuard.AI;

namespace ActionGuard.SemanticKernel;

/// <summary>Configures which kernel functions ActionGuard guards, and how.</summary>
/// <remarks>
/// Every function whose method carries <see cref="RequiresApprovalAttribute"/> is guarded; <see cref="Tools"/> adds
/// functions by name (prompt functions and functions from OpenAPI or MCP plugins carry no attribute).
/// </remarks>
public sealed class ActionGuardKernelOptions
{
    /// <summary>Gets the functions guarded by name (the function's name, without the plugin name).</summary>
    public ToolGuards Tools { get; } = new();
}
