using ActionGuard.Server.Store;
using ActionGuard.Server.Store.InMemory;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the in-memory store: for the in-memory test backend, never for a server anyone relies on.</summary>
internal static class InMemoryStoreServiceCollectionExtensions
{
    /// <summary>Keeps every store concern in process memory; the first store registered wins.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddInMemoryStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        StoreRegistration.Add(services, _ => new InMemoryStore());
        return services;
    }
}
