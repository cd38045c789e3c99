using ActionGuard.Utils;
using Microsoft.Extensions.AI;

namespace ActionGuard.AI;

/// <summary>Configures <see cref="ActionGuardChatClient"/>: which tools are guarded, and how.</summary>
/// <remarks>
/// Without any configuration, every tool whose method carries <see cref="RequiresApprovalAttribute"/> and every
/// <see cref="ApprovalRequiredAIFunction"/> is guarded. <see cref="Guard(string, ActionKind, Action{GuardedAIFunctionOptions}?)"/>
/// adds tools by name, for example remote MCP tools, which carry no attribute.
/// </remarks>
public sealed class ActionGuardChatClientOptions
{
    private readonly Dictionary<string, (string Kind, Action<GuardedAIFunctionOptions>? Configure)> _tools = new(StringComparer.Ordinal);
    private string _approvalRequiredKind = "tool_call";

    /// <summary>
    /// Gets or sets the kind under which an <see cref="ApprovalRequiredAIFunction"/> without
    /// <see cref="RequiresApprovalAttribute"/> is requested; <c>"tool_call"</c> by default.
    /// </summary>
    /// <exception cref="ArgumentException">The value is not a valid kind name.</exception>
    public string ApprovalRequiredKind
    {
        get => _approvalRequiredKind;
        set => _approvalRequiredKind = ValidKind(value, nameof(ApprovalRequiredKind));
    }

    /// <summary>
    /// Gets or sets whether several guarded calls in one model turn are requested and awaited together
    /// (<see langword="true"/>, the default). It turns on <see cref="FunctionInvokingChatClient.AllowConcurrentInvocation"/>
    /// of the function-invoking client below, so a person can decide them in any order and one denial does not hold
    /// up the others.
    /// </summary>
    public bool ConcurrentApprovals { get; set; } = true;

    /// <summary>Guards the tool named <paramref name="toolName"/> as an action of a built-in kind.</summary>
    /// <param name="toolName">The tool's name as the model sees it.</param>
    /// <param name="kind">The category of the action.</param>
    /// <param name="configure">Describes the action.</param>
    /// <returns>These options, for chaining.</returns>
    public ActionGuardChatClientOptions Guard(string toolName, ActionKind kind, Action<GuardedAIFunctionOptions>? configure = null) =>
        Guard(toolName, ActionKinds.ToName(kind), configure);

    /// <summary>Guards the tool named <paramref name="toolName"/> as an action of a custom kind.</summary>
    /// <param name="toolName">The tool's name as the model sees it.</param>
    /// <param name="kind">The custom kind.</param>
    /// <param name="configure">Describes the action.</param>
    /// <returns>These options, for chaining.</returns>
    public ActionGuardChatClientOptions Guard(string toolName, string kind, Action<GuardedAIFunctionOptions>? configure = null)
    {
        Utils.Guard.NotNullOrEmpty(toolName);
        _tools[toolName] = (ValidKind(kind, nameof(kind)), configure);
        return this;
    }

    /// <summary>Returns the tool exposed to the model in place of <paramref name="function"/>.</summary>
    internal AIFunction Apply(AIFunction function)
    {
        if (function.GetService<GuardedAIFunction>() is not null)
        {
            return function;
        }

        if (_tools.TryGetValue(function.Name, out var configured))
        {
            return function.WithActionGuard(configured.Kind, configured.Configure);
        }

        return ActionGuardAIFunctionExtensions.GuardIfRequired(function, _approvalRequiredKind);
    }

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
