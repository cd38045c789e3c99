using System.Collections.Frozen;
using System.Reflection;

namespace ActionGuard.Interception;

/// <summary>The guarded methods of one service interface as implemented by one type, keyed by interface method.</summary>
internal sealed class GuardedInterfacePlan
{
    private readonly FrozenDictionary<MethodInfo, GuardedMethodPlan> _methods;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="serviceType">The service interface.</param>
    /// <param name="implementationType">The implementation type.</param>
    /// <param name="methods">The plans of the guarded methods.</param>
    public GuardedInterfacePlan(Type serviceType, Type implementationType, IEnumerable<GuardedMethodPlan> methods)
    {
        ServiceType = serviceType;
        ImplementationType = implementationType;
        _methods = methods.ToFrozenDictionary(static m => m.Method);
        // When the interface itself is disposable, the container's Dispose or DisposeAsync call already reaches the
        // implementation through the proxy (and DispatchProxy cannot combine it with a base class that implements the
        // same interface). Otherwise the decorator must implement disposal itself.
        var serviceIsDisposable = typeof(IDisposable).IsAssignableFrom(serviceType)
            || typeof(IAsyncDisposable).IsAssignableFrom(serviceType);
        var implementationIsDisposable = typeof(IDisposable).IsAssignableFrom(implementationType)
            || typeof(IAsyncDisposable).IsAssignableFrom(implementationType);
        NeedsDisposingDecorator = implementationIsDisposable && !serviceIsDisposable;
    }

    /// <summary>Gets the service interface.</summary>
    public Type ServiceType { get; }

    /// <summary>Gets the implementation type.</summary>
    public Type ImplementationType { get; }

    /// <summary>Gets whether the decorator must implement disposal to dispose the implementation.</summary>
    public bool NeedsDisposingDecorator { get; }

    /// <summary>Gets the guarded methods.</summary>
    public IReadOnlyDictionary<MethodInfo, GuardedMethodPlan> Methods => _methods;

    /// <summary>Finds the plan of a guarded method.</summary>
    /// <param name="method">The interface method the proxy was called through.</param>
    /// <param name="plan">The plan, when the method is guarded.</param>
    /// <returns><see langword="true"/> when the method is guarded.</returns>
    public bool TryGetPlan(MethodInfo method, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GuardedMethodPlan? plan) =>
        _methods.TryGetValue(method, out plan);
}
