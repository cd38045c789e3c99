using ActionGuard.AI;
using ActionGuard.Utils;

namespace ActionGuard.SemanticKernel;

/// <summary>Configures which kernel functions ActionGuard guards, and how.</summary>
/// <remarks>
/// Every function whose method carries <see cref="RequiresApprovalAttribute"/> is guarded;
/// <see cref="Guard(string, ActionKind, Action{GuardedAIFunctionOptions}?)"/> adds functions by name (prompt functions
/// and functions from OpenAPI or MCP plugins carry no attribute).
/// </remarks>
public sealed class ActionGuardKernelOptions
{
    private readonly Dictionary<string, (string Kind, Action<GuardedAIFunctionOptions>? Configure)> _functions = new(StringComparer.Ordinal);

    /// <summary>Guards the function named <paramref name="functionName"/> as an action of a built-in kind.</summary>
    /// <param name="functionName">The function's name, without the plugin name.</param>
    /// <param name="kind">The category of the action.</param>
    /// <param name="configure">Describes the action.</param>
    /// <returns>These options, for chaining.</returns>
    public ActionGuardKernelOptions Guard(string functionName, ActionKind kind, Action<GuardedAIFunctionOptions>? configure = null) =>
        Guard(functionName, ActionKinds.ToName(kind), configure);

    /// <summary>Guards the function named <paramref name="functionName"/> as an action of a custom kind.</summary>
    /// <param name="functionName">The function's name, without the plugin name.</param>
    /// <param name="kind">The custom kind.</param>
    /// <param name="configure">Describes the action.</param>
    /// <returns>These options, for chaining.</returns>
    public ActionGuardKernelOptions Guard(string functionName, string kind, Action<GuardedAIFunctionOptions>? configure = null)
    {
        Utils.Guard.NotNullOrEmpty(functionName);
        Utils.Guard.NotNull(kind);
        if (!ActionKinds.IsValidName(kind))
        {
            throw new ArgumentException(
                $"Action kind '{kind}' is not valid: use a lower-case letter followed by up to 63 lower-case letters, digits, '.', '_' or '-'.",
                nameof(kind));
        }

        _functions[functionName] = (kind, configure);
        return this;
    }

    internal bool TryGetConfigured(string functionName, out (string Kind, Action<GuardedAIFunctionOptions>? Configure) configured) =>
        _functions.TryGetValue(functionName, out configured);
}
