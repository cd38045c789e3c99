using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace ActionGuard.Interception;

/// <summary>
/// The decorator: a <see cref="DispatchProxy"/> that implements the service interface, asks the guard before every
/// <see cref="RequiresApprovalAttribute"/> method and forwards every other call untouched.
/// </summary>
/// <remarks>DispatchProxy derives a type from this one at run time, so it cannot be sealed.</remarks>
[SuppressMessage("Performance", "CA1852:Seal internal types", Justification = "DispatchProxy derives the proxy type from this class.")]
internal class GuardedProxy : DispatchProxy
{
    private object _target = null!;
    private IActionGuard _guard = null!;
    private GuardedInterfacePlan _plan = null!;

    /// <summary>Gets the decorated implementation.</summary>
    internal object Target => _target;

    /// <summary>Wires the proxy right after <see cref="DispatchProxy.Create(Type, Type)"/> made it.</summary>
    /// <param name="target">The implementation.</param>
    /// <param name="guard">The guard.</param>
    /// <param name="plan">The plan of the service interface.</param>
    internal void Initialize(object target, IActionGuard guard, GuardedInterfacePlan plan)
    {
        _target = target;
        _guard = guard;
        _plan = plan;
    }

    /// <inheritdoc/>
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        args ??= [];

        if (_plan.TryGetPlan(targetMethod, out var plan))
        {
            return plan.Invoke(_guard, _target, args);
        }

        // Not guarded: forward as is. DoNotWrapExceptions keeps the target's exception and stack trace intact, and
        // ref/out values flow back because DispatchProxy copies them out of args.
        return targetMethod.Invoke(_target, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null);
    }
}
