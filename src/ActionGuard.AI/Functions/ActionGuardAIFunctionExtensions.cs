using System.Reflection;
using ActionGuard;
using ActionGuard.AI;
using ActionGuard.Utils;

namespace Microsoft.Extensions.AI;

/// <summary>Wraps <see cref="AIFunction"/>s so they run only after a verified human approval.</summary>
public static class ActionGuardAIFunctionExtensions
{
    /// <summary>Guards <paramref name="function"/> as an action of the given kind.</summary>
    /// <param name="function">The tool, for example from <see cref="AIFunctionFactory"/> or an MCP client.</param>
    /// <param name="kind">The category of the action: a built-in kind such as <see cref="ActionKind.DataExport"/>, or a custom kind name.</param>
    /// <param name="configure">Describes the action: templates, sensitive and payload arguments, timeout.</param>
    /// <returns>The guarded function.</returns>
    /// <exception cref="ArgumentException">The kind is <see langword="default"/>, or a template or argument name does not fit the tool.</exception>
    /// <example>
    /// <code>
    /// var export = AIFunctionFactory.Create(exporter.ExportAsync)
    ///     .WithActionGuard(ActionKind.DataExport, o => o.Destination = "s3://{bucket}/{key}");
    /// </code>
    /// </example>
    public static GuardedAIFunction WithActionGuard(this AIFunction function, ActionKind kind, Action<GuardedAIFunctionOptions>? configure = null) =>
        Wrap(function, Guard.NotDefault(kind), RequiresApproval(function), configure);

    /// <summary>
    /// Guards <paramref name="function"/> as the <see cref="RequiresApprovalAttribute"/> on its underlying method
    /// describes it, with <see cref="SensitiveAttribute"/> and <see cref="ActionGuard.Classification.PayloadAttribute"/> on its
    /// parameters.
    /// </summary>
    /// <param name="function">A function made from a method, for example by <see cref="AIFunctionFactory.Create(Delegate, AIFunctionFactoryOptions?)"/>.</param>
    /// <param name="configure">Overrides what the attribute says.</param>
    /// <returns>The guarded function.</returns>
    /// <exception cref="InvalidOperationException">The function's method carries no <see cref="RequiresApprovalAttribute"/>.</exception>
    public static GuardedAIFunction WithActionGuard(this AIFunction function, Action<GuardedAIFunctionOptions>? configure = null)
    {
        Guard.NotNull(function);
        var attribute = RequiresApproval(function) ?? throw new InvalidOperationException(
            $"The tool '{function.Name}' has no [RequiresApproval] on its method, so ActionGuard cannot tell what kind of " +
            "action it is. Put [RequiresApproval(ActionKind...)] on the method, or call WithActionGuard(kind, ...).");
        return Wrap(function, attribute.Kind, attribute, configure);
    }

    /// <summary>
    /// Returns the guarded form of <paramref name="function"/> when it needs one — its method carries
    /// <see cref="RequiresApprovalAttribute"/>, or it is an <see cref="ApprovalRequiredAIFunction"/> — and
    /// <paramref name="function"/> itself otherwise (including when it is guarded already).
    /// </summary>
    /// <param name="function">The tool.</param>
    /// <param name="approvalRequiredKind">The kind for an <see cref="ApprovalRequiredAIFunction"/> without the attribute.</param>
    /// <returns>The function to expose to the model.</returns>
    internal static AIFunction GuardIfRequired(AIFunction function, ActionKind approvalRequiredKind)
    {
        if (function.GetService<GuardedAIFunction>() is not null)
        {
            return function;
        }

        if (RequiresApproval(function) is { } attribute)
        {
            return Wrap(function, attribute.Kind, attribute, configure: null);
        }

        return function.GetService<ApprovalRequiredAIFunction>() is not null
            ? Wrap(function, approvalRequiredKind, attribute: null, configure: null)
            : function;
    }

    private static RequiresApprovalAttribute? RequiresApproval(AIFunction function) =>
        Guard.NotNull(function).UnderlyingMethod?.GetCustomAttribute<RequiresApprovalAttribute>(inherit: true);

    private static GuardedAIFunction Wrap(AIFunction function, ActionKind kind, RequiresApprovalAttribute? attribute, Action<GuardedAIFunctionOptions>? configure)
    {
        Guard.NotNull(function);
        if (function.GetService<GuardedAIFunction>() is { } existing)
        {
            throw new InvalidOperationException(
                $"The tool '{function.Name}' is guarded already (as {existing.Kind} '{existing.ActionName}'); guarding it twice would ask twice.");
        }

        var options = new GuardedAIFunctionOptions();
        configure?.Invoke(options);
        var plan = ToolActionPlan.Create(function, kind, attribute, options);
        return new GuardedAIFunction(function, plan, options);
    }
}
