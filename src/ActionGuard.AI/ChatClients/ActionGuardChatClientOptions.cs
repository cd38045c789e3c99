using ActionGuard.Utils;
using Microsoft.Extensions.AI;

namespace ActionGuard.AI;

/// <summary>Configures <see cref="ActionGuardChatClient"/>: which tools are guarded, and how.</summary>
/// <remarks>
/// Without any configuration, every tool whose method carries <see cref="RequiresApprovalAttribute"/> and every
/// <see cref="ApprovalRequiredAIFunction"/> is guarded. <see cref="Tools"/> adds tools by name, for example remote MCP
/// tools, which carry no attribute.
/// </remarks>
public sealed class ActionGuardChatClientOptions
{
    private ActionKind _approvalRequiredKind = "tool_call";

    /// <summary>
    /// Gets or sets the kind under which an <see cref="ApprovalRequiredAIFunction"/> without
    /// <see cref="RequiresApprovalAttribute"/> is requested; <c>"tool_call"</c> by default.
    /// </summary>
    /// <exception cref="ArgumentException">The value is not a valid kind name.</exception>
    public ActionKind ApprovalRequiredKind
    {
        get => _approvalRequiredKind;
        set => _approvalRequiredKind = Guard.NotDefault(value, nameof(ApprovalRequiredKind));
    }

    /// <summary>
    /// Gets or sets whether several guarded calls in one model turn are requested and awaited together
    /// (<see langword="true"/>, the default). It turns on <see cref="FunctionInvokingChatClient.AllowConcurrentInvocation"/>
    /// of the function-invoking client below, so a person can decide them in any order and one denial does not hold
    /// up the others.
    /// </summary>
    public bool ConcurrentApprovals { get; set; } = true;

    /// <summary>Gets the tools guarded by name, such as remote MCP tools, which carry no attribute.</summary>
    public ToolGuards Tools { get; } = new();

    /// <summary>Returns the tool exposed to the model in place of <paramref name="function"/>.</summary>
    internal AIFunction Apply(AIFunction function)
    {
        if (function.GetService<GuardedAIFunction>() is not null)
        {
            return function;
        }

        return (AIFunction?)Tools.TryGuard(function) ?? ActionGuardAIFunctionExtensions.GuardIfRequired(function, _approvalRequiredKind);
    }
}
