using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Interception;

/// <summary>Creates the decorated service: the implementation through the container, wrapped in a proxy.</summary>
/// <typeparam name="TService">The service interface.</typeparam>
/// <typeparam name="TImplementation">The implementation; not registered itself.</typeparam>
internal sealed class GuardedServiceFactory<TService, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TImplementation>
    where TService : class
    where TImplementation : class, TService
{
    private readonly GuardedInterfacePlan _plan;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="plan">The validated plan.</param>
    public GuardedServiceFactory(GuardedInterfacePlan plan) => _plan = plan;

    /// <summary>Creates one decorated instance.</summary>
    /// <param name="services">The provider of the scope the service is resolved in.</param>
    /// <returns>The decorator.</returns>
    [RequiresUnreferencedCode(GuardedPlanBuilder.UnreferencedCodeMessage)]
    [RequiresDynamicCode(GuardedPlanBuilder.DynamicCodeMessage)]
    public object Create(IServiceProvider services)
    {
        // The guard first: failing after the implementation was created would leave it undisposed.
        var guard = services.GetService<IActionGuard>() ?? throw new InvalidOperationException(
            $"{TypeNames.Display(typeof(TService))} is registered through AddGuarded*, but no {nameof(IActionGuard)} " +
            "is registered. Call services.AddActionGuard(...).");

        var target = ActivatorUtilities.CreateInstance<TImplementation>(services);
        var proxy = _plan.NeedsDisposingDecorator
            ? (GuardedProxy)(object)DispatchProxy.Create<TService, DisposableGuardedProxy>()
            : (GuardedProxy)(object)DispatchProxy.Create<TService, GuardedProxy>();
        proxy.Initialize(target, guard, _plan);
        return proxy;
    }
}
