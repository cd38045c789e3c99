using ActionGuard.Server;
using ActionGuard.Server.Store;
using ActionGuard.Server.Store.Postgres;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL store of the approval backend.</summary>
public static class PostgresStoreServiceCollectionExtensions
{
    /// <summary>
    /// Stores everything in PostgreSQL (<see cref="StoreOptions.ConnectionString"/>), so several server instances can
    /// share it, and listens for changes other instances make so their waiting agents wake at once.
    /// <c>AddActionGuardServer</c> calls it when <c>ActionGuard:Store:Provider</c> is <c>postgres</c>; the first store
    /// registered wins.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes the store options (<c>ActionGuard:Store</c>) after binding.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddPostgresStore(this IServiceCollection services, Action<StoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
        {
            services.Configure<ActionGuardServerOptions>(o => configure(o.Store));
        }

        StoreRegistration.Add(services, sp => new PostgresStore(sp.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value.Store.ConnectionString!));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgresChangeListener>());
        return services;
    }
}
