using System.Diagnostics.CodeAnalysis;
using ActionGuard;
using ActionGuard.Interception;
using ActionGuard.Utils;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers services whose <see cref="RequiresApprovalAttribute"/> methods run only after approval, through a
/// decorator that asks <see cref="IActionGuard"/> before each such call.
/// </summary>
/// <remarks>
/// <para>
/// The decorator implements <c>TService</c> and creates <c>TImplementation</c> itself with
/// <see cref="ActivatorUtilities"/> (the implementation is not registered as a service of its own, so it cannot be
/// resolved around the decorator). Methods without the attribute are forwarded untouched. When the implementation is
/// disposable, the decorator disposes it with the scope that owns the decorator.
/// </para>
/// <para>
/// Every attributed method is checked when it is registered: templates must name existing, non-sensitive parameters,
/// and the method must have no <c>ref</c>, <c>out</c> or <c>in</c> parameter and return <see langword="void"/>, a value,
/// <see cref="Task"/>, <see cref="Task{TResult}"/>, <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>. A
/// <see cref="CancellationToken"/> parameter is not an argument of the action: it cancels the wait for approval and
/// is passed on to the implementation.
/// </para>
/// <para>
/// A synchronous guarded method (returning <see langword="void"/> or a value) blocks its thread until a human decides;
/// prefer asynchronous signatures for guarded methods.
/// </para>
/// <para>
/// The decorator is a <see cref="System.Reflection.DispatchProxy"/>, which needs run-time code generation: in
/// trimmed or native-AOT applications, inject <see cref="IActionGuard"/> and call
/// <see cref="IActionGuard.ExecuteAsync{TResult, TState}"/> around privileged calls instead.
/// </para>
/// </remarks>
public static class GuardedServiceCollectionExtensions
{
    /// <summary>Registers <typeparamref name="TService"/> as a singleton behind the ActionGuard decorator.</summary>
    /// <typeparam name="TService">The service interface.</typeparam>
    /// <typeparam name="TImplementation">The implementation, created by the decorator's factory.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="InvalidOperationException">
    /// <typeparamref name="TService"/> is not an interface, or an attributed method cannot be guarded.
    /// </exception>
    [RequiresUnreferencedCode(GuardedPlanBuilder.UnreferencedCodeMessage)]
    [RequiresDynamicCode(GuardedPlanBuilder.DynamicCodeMessage)]
    public static IServiceCollection AddGuardedSingleton<TService, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TImplementation>(
        this IServiceCollection services)
        where TService : class
        where TImplementation : class, TService
        => AddGuarded<TService, TImplementation>(services, ServiceLifetime.Singleton);

    /// <summary>Registers <typeparamref name="TService"/> as a scoped service behind the ActionGuard decorator.</summary>
    /// <typeparam name="TService">The service interface.</typeparam>
    /// <typeparam name="TImplementation">The implementation, created by the decorator's factory.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="InvalidOperationException">
    /// <typeparamref name="TService"/> is not an interface, or an attributed method cannot be guarded.
    /// </exception>
    [RequiresUnreferencedCode(GuardedPlanBuilder.UnreferencedCodeMessage)]
    [RequiresDynamicCode(GuardedPlanBuilder.DynamicCodeMessage)]
    public static IServiceCollection AddGuardedScoped<TService, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TImplementation>(
        this IServiceCollection services)
        where TService : class
        where TImplementation : class, TService
        => AddGuarded<TService, TImplementation>(services, ServiceLifetime.Scoped);

    /// <summary>Registers <typeparamref name="TService"/> as a transient service behind the ActionGuard decorator.</summary>
    /// <typeparam name="TService">The service interface.</typeparam>
    /// <typeparam name="TImplementation">The implementation, created by the decorator's factory.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="InvalidOperationException">
    /// <typeparamref name="TService"/> is not an interface, or an attributed method cannot be guarded.
    /// </exception>
    [RequiresUnreferencedCode(GuardedPlanBuilder.UnreferencedCodeMessage)]
    [RequiresDynamicCode(GuardedPlanBuilder.DynamicCodeMessage)]
    public static IServiceCollection AddGuardedTransient<TService, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TImplementation>(
        this IServiceCollection services)
        where TService : class
        where TImplementation : class, TService
        => AddGuarded<TService, TImplementation>(services, ServiceLifetime.Transient);

    /// <summary>Registers <typeparamref name="TService"/> as a singleton behind the ActionGuard decorator.</summary>
    /// <typeparam name="TService">The service interface.</typeparam>
    /// <typeparam name="TImplementation">The implementation, created by the decorator's factory.</typeparam>
    /// <param name="builder">The ActionGuard builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">
    /// <typeparamref name="TService"/> is not an interface, or an attributed method cannot be guarded.
    /// </exception>
    [RequiresUnreferencedCode(GuardedPlanBuilder.UnreferencedCodeMessage)]
    [RequiresDynamicCode(GuardedPlanBuilder.DynamicCodeMessage)]
    public static IActionGuardBuilder AddGuardedSingleton<TService, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TImplementation>(
        this IActionGuardBuilder builder)
        where TService : class
        where TImplementation : class, TService
    {
        Guard.NotNull(builder);
        AddGuarded<TService, TImplementation>(builder.Services, ServiceLifetime.Singleton);
        return builder;
    }

    /// <summary>Registers <typeparamref name="TService"/> as a scoped service behind the ActionGuard decorator.</summary>
    /// <typeparam name="TService">The service interface.</typeparam>
    /// <typeparam name="TImplementation">The implementation, created by the decorator's factory.</typeparam>
    /// <param name="builder">The ActionGuard builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">
    /// <typeparamref name="TService"/> is not an interface, or an attributed method cannot be guarded.
    /// </exception>
    [RequiresUnreferencedCode(GuardedPlanBuilder.UnreferencedCodeMessage)]
    [RequiresDynamicCode(GuardedPlanBuilder.DynamicCodeMessage)]
    public static IActionGuardBuilder AddGuardedScoped<TService, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TImplementation>(
        this IActionGuardBuilder builder)
        where TService : class
        where TImplementation : class, TService
    {
        Guard.NotNull(builder);
        AddGuarded<TService, TImplementation>(builder.Services, ServiceLifetime.Scoped);
        return builder;
    }

    /// <summary>Registers <typeparamref name="TService"/> as a transient service behind the ActionGuard decorator.</summary>
    /// <typeparam name="TService">The service interface.</typeparam>
    /// <typeparam name="TImplementation">The implementation, created by the decorator's factory.</typeparam>
    /// <param name="builder">The ActionGuard builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">
    /// <typeparamref name="TService"/> is not an interface, or an attributed method cannot be guarded.
    /// </exception>
    [RequiresUnreferencedCode(GuardedPlanBuilder.UnreferencedCodeMessage)]
    [RequiresDynamicCode(GuardedPlanBuilder.DynamicCodeMessage)]
    public static IActionGuardBuilder AddGuardedTransient<TService, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TImplementation>(
        this IActionGuardBuilder builder)
        where TService : class
        where TImplementation : class, TService
    {
        Guard.NotNull(builder);
        AddGuarded<TService, TImplementation>(builder.Services, ServiceLifetime.Transient);
        return builder;
    }

    [RequiresUnreferencedCode(GuardedPlanBuilder.UnreferencedCodeMessage)]
    [RequiresDynamicCode(GuardedPlanBuilder.DynamicCodeMessage)]
    private static IServiceCollection AddGuarded<TService, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TImplementation>(
        IServiceCollection services,
        ServiceLifetime lifetime)
        where TService : class
        where TImplementation : class, TService
    {
        Guard.NotNull(services);

        // Everything that can be wrong with the attributes surfaces here, at registration, not on the first call.
        var plan = GuardedPlanBuilder.Build(typeof(TService), typeof(TImplementation));
        var factory = new GuardedServiceFactory<TService, TImplementation>(plan);
        var descriptor = new ServiceDescriptor(typeof(TService), factory.Create, lifetime);

        GuardedServiceRegistry.GetOrAdd(services).Add(descriptor);
        services.Add(descriptor);
        return services;
    }
}
