using ActionGuard.Server;
using ActionGuard.Server.Store;
using ActionGuard.Server.Store.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite store of the approval backend.</summary>
public static class SqliteStoreServiceCollectionExtensions
{
    /// <summary>
    /// Stores approvals, the audit log, the outbox, identities and signing keys in one SQLite database under
    /// <see cref="ActionGuardServerOptions.DataDirectory"/> (one server instance). <c>AddActionGuardServer</c> calls it
    /// unless <c>ActionGuard:Store:Provider</c> is <c>postgres</c>; the first store registered wins.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes the store options (<c>ActionGuard:Store</c>) after binding.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddSqliteStore(this IServiceCollection services, Action<StoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
        {
            services.Configure<ActionGuardServerOptions>(o => configure(o.Store));
        }

        StoreRegistration.Add(services, sp =>
        {
            var options = sp.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value;
            return new SqliteStore(Path.Combine(sp.GetRequiredService<IHostEnvironment>().ContentRootPath, options.DataDirectory));
        });
        return services;
    }
}
