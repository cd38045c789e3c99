using ActionGuard.Server.Approvals;
using ActionGuard.Server.Audit;
using ActionGuard.Server.Hosting;
using ActionGuard.Server.Identity;
using ActionGuard.Server.Notifications;
using ActionGuard.Server.Policy;
using ActionGuard.Server.Store;
using ActionGuard.Server.Store.Postgres;
using ActionGuard.Server.Tokens;
using ActionGuard.Server.Waiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server;

/// <summary>Registers the approval backend's services.</summary>
public static class ActionGuardServerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the backend: options bound from the <c>ActionGuard</c> section of <paramref name="configuration"/> and
    /// validated at start, the store (SQLite, or PostgreSQL with <c>ActionGuard:Store:Provider</c> = <c>postgres</c>), identity, policy, signing keys and the startup work. Map the endpoints with
    /// <see cref="ActionGuardServerApplicationBuilderExtensions.UseActionGuardServer"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddActionGuardServer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ActionGuardServerOptions>()
            .Bind(configuration.GetSection(ActionGuardServerOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ActionGuardServerOptions>, ServerOptionsValidator>());
        // The store is chosen when registering, from the same configuration the options bind; a provider name that is
        // neither stops the start through the options validation.
        if (StoreOptions.IsPostgresName(configuration[ActionGuardServerOptions.SectionName + ":Store:Provider"]))
        {
            services.AddPostgresStore();
        }
        else
        {
            services.AddSqliteStore();
        }

        ApprovalCoreServices.Add(services);
        services.TryAddSingleton<RequestThrottle>();
        services.TryAddSingleton<RequestGate>();
        Web.ReviewServices.Add(services);
        services.TryAddSingleton<AuditVerifier>();
        services.TryAddSingleton<AuditCheckpoints>();
        services.AddHostedService<ServerInitializer>();
        services.TryAddSingleton<AuditCheckpointExporter>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<AuditCheckpointExporter>());
        return services;
    }
}
