using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Interception;

/// <summary>
/// Remembers, inside the service collection itself, which descriptors AddGuarded* added, so that
/// <see cref="GuardedRegistrationValidator"/> can tell decorated registrations from plain ones.
/// </summary>
internal sealed class GuardedServiceRegistry
{
    private readonly HashSet<ServiceDescriptor> _descriptors = new(ReferenceEqualityComparer.Instance);

    /// <summary>Returns the registry stored in <paramref name="services"/>, adding one when there is none.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The registry.</returns>
    public static GuardedServiceRegistry GetOrAdd(IServiceCollection services)
    {
        if (Find(services) is { } existing)
        {
            return existing;
        }

        var registry = new GuardedServiceRegistry();
        services.Add(ServiceDescriptor.Singleton(registry));
        return registry;
    }

    /// <summary>Returns the registry stored in <paramref name="services"/>, if any.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The registry, or <see langword="null"/>.</returns>
    public static GuardedServiceRegistry? Find(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(GuardedServiceRegistry)
                && !descriptor.IsKeyedService
                && descriptor.ImplementationInstance is GuardedServiceRegistry registry)
            {
                return registry;
            }
        }

        return null;
    }

    /// <summary>Records a descriptor added by AddGuarded*.</summary>
    /// <param name="descriptor">The descriptor.</param>
    public void Add(ServiceDescriptor descriptor) => _descriptors.Add(descriptor);

    /// <summary>Returns whether AddGuarded* added <paramref name="descriptor"/>.</summary>
    /// <param name="descriptor">The descriptor.</param>
    /// <returns><see langword="true"/> for a decorated registration.</returns>
    public bool Contains(ServiceDescriptor descriptor) => _descriptors.Contains(descriptor);
}
