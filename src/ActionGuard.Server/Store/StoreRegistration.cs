using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ActionGuard.Server.Store;

/// <summary>Registers one store instance under every store interface; the first store registered wins.</summary>
internal static class StoreRegistration
{
    public static void Add<TStore>(IServiceCollection services, Func<IServiceProvider, TStore> create)
        where TStore : class, IServerStore
    {
        services.TryAddSingleton(create);
        services.TryAddSingleton<IApprovalStore>(sp => sp.GetRequiredService<TStore>());
        services.TryAddSingleton<IAuditStore>(sp => sp.GetRequiredService<TStore>());
        services.TryAddSingleton<IOutboxStore>(sp => sp.GetRequiredService<TStore>());
        services.TryAddSingleton<IIdentityStore>(sp => sp.GetRequiredService<TStore>());
        services.TryAddSingleton<IMessageReferenceStore>(sp => sp.GetRequiredService<TStore>());
        services.TryAddSingleton<ISigningKeyStore>(sp => sp.GetRequiredService<TStore>());
        services.TryAddSingleton<IStoreLifecycle>(sp => sp.GetRequiredService<TStore>());
    }
}
