using System.Diagnostics.CodeAnalysis;
using ActionGuard.Hashing;
using ActionGuard.PendingApprovals;
using ActionGuard.Utils;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Keeps the approvals an agent waits for, so an agent restarted while a person decides adopts its earlier request for
/// the same call (same agent, initiator, action and arguments) instead of asking again.
/// </summary>
/// <remarks>
/// Opt-in. The secret that binds an approval to its action is sealed with the configured key before it is stored; a
/// store or key that cannot be read makes the call ask anew, never run unverified. See docs/integrations.md.
/// </remarks>
public static class PendingApprovalsBuilderExtensions
{
    /// <summary>Keeps waiting approvals in files under <see cref="PendingApprovalOptions.Directory"/>.</summary>
    /// <param name="builder">The ActionGuard builder.</param>
    /// <param name="configure">Sets at least <see cref="PendingApprovalOptions.Directory"/>.</param>
    /// <returns>The builder.</returns>
    /// <example>
    /// <code>
    /// services.AddActionGuard(o => { … })
    ///     .AddPendingApprovals(o => o.Directory = Path.Combine(dataFolder, "pending-approvals"));
    /// </code>
    /// </example>
    public static IActionGuardBuilder AddPendingApprovals(this IActionGuardBuilder builder, Action<PendingApprovalOptions> configure)
    {
        Guard.NotNull(builder);
        Guard.NotNull(configure);
        AddKeeper(builder, configure, fileSystemStore: true);
        builder.Services.TryAddSingleton<IPendingApprovalStore>(sp =>
            new FileSystemPendingApprovalStore(sp.GetRequiredService<IOptions<PendingApprovalOptions>>().Value.Directory!));
        return builder;
    }

    /// <summary>Keeps waiting approvals in a store of your own (a database table, for instance).</summary>
    /// <typeparam name="TStore">The store, registered as a singleton.</typeparam>
    /// <param name="builder">The ActionGuard builder.</param>
    /// <param name="configure">Sets <see cref="PendingApprovalOptions.Key"/> or <see cref="PendingApprovalOptions.KeyFile"/>.</param>
    /// <returns>The builder.</returns>
    public static IActionGuardBuilder AddPendingApprovals<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStore>(this IActionGuardBuilder builder, Action<PendingApprovalOptions> configure)
        where TStore : class, IPendingApprovalStore
    {
        Guard.NotNull(builder);
        Guard.NotNull(configure);
        AddKeeper(builder, configure, fileSystemStore: false);
        builder.Services.TryAddSingleton<IPendingApprovalStore, TStore>();
        return builder;
    }

    private static void AddKeeper(IActionGuardBuilder builder, Action<PendingApprovalOptions> configure, bool fileSystemStore)
    {
        var services = builder.Services;
        services.AddOptions<PendingApprovalOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PendingApprovalOptions>>(new PendingApprovalOptionsValidator(fileSystemStore)));
        services.TryAddSingleton(sp => new PendingApprovalKeeper(
            sp.GetRequiredService<IPendingApprovalStore>(),
            PendingApprovalKey.Load(sp.GetRequiredService<IOptions<PendingApprovalOptions>>().Value),
            sp.GetRequiredService<ActionHasher>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<PendingApprovalKeeper>>() ?? (ILogger)NullLogger.Instance));
    }
}
