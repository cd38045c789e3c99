using ActionGuard;
using ActionGuard.Client;
using ActionGuard.DependencyInjection;
using ActionGuard.Guarding;
using ActionGuard.Hashing;
using ActionGuard.Interception;
using ActionGuard.Redaction;
using ActionGuard.Tokens;
using ActionGuard.Utils;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ActionGuard in an <see cref="IServiceCollection"/>.</summary>
public static class ActionGuardServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IActionGuard"/>, the approval backend client and decision-token verification, with options
    /// validated at start (<c>ValidateOnStart</c>) and again on first use.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options: at least <see cref="ActionGuardOptions.Endpoint"/> and <see cref="ActionGuardOptions.AgentId"/>.</param>
    /// <returns>A builder to register guarded services and further configuration.</returns>
    /// <example>
    /// <code>
    /// services.AddActionGuard(o =>
    /// {
    ///     o.Endpoint = new Uri("https://approvals.example.com/");
    ///     o.AgentId = "billing-agent";
    ///     o.ApiKey = configuration["ActionGuard:ApiKey"];
    /// })
    /// .AddGuardedScoped&lt;ICustomerExporter, CustomerExporter&gt;();
    /// </code>
    /// </example>
    public static IActionGuardBuilder AddActionGuard(this IServiceCollection services, Action<ActionGuardOptions> configure)
    {
        Guard.NotNull(services);
        Guard.NotNull(configure);
        var builder = services.AddActionGuard();
        services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Registers ActionGuard with options configured elsewhere (for example bound with
    /// <c>services.Configure&lt;ActionGuardOptions&gt;(configuration.GetSection("ActionGuard"))</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to register guarded services and further configuration.</returns>
    public static IActionGuardBuilder AddActionGuard(this IServiceCollection services)
    {
        Guard.NotNull(services);

        services.AddOptions<ActionGuardOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ActionGuardOptions>, ActionGuardOptionsValidator>());
        if (!services.Any(d => d.ServiceType == typeof(IValidateOptions<ActionGuardOptions>) && d.ImplementationInstance is GuardedRegistrationValidator))
        {
            services.AddSingleton<IValidateOptions<ActionGuardOptions>>(new GuardedRegistrationValidator(services));
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddApprovalHttpClient();

        services.TryAddSingleton(sp => new JtiReplayCache(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new SigningKeyProvider(
            sp.GetRequiredService<ApprovalClient>(),
            sp.GetRequiredService<IOptions<ActionGuardOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            LoggerFor<SigningKeyProvider>(sp)));
        services.TryAddSingleton(sp => new DecisionTokenVerifier(
            sp.GetRequiredService<SigningKeyProvider>(),
            sp.GetRequiredService<JtiReplayCache>(),
            sp.GetRequiredService<IOptions<ActionGuardOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ActionHasher(sp.GetRequiredService<IOptions<ActionGuardOptions>>().Value.ArgumentSerializerOptions));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ActionGuardOptions>>().Value;
            return new ArgumentRedactor(options.Redaction, options.ArgumentSerializerOptions);
        });
        services.TryAddSingleton(sp => new OutcomeReporter(
            sp.GetRequiredService<ApprovalClient>(),
            sp.GetRequiredService<IOptions<ActionGuardOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            LoggerFor<DefaultActionGuard>(sp)));
        services.TryAddSingleton<IActionGuard>(sp => new DefaultActionGuard(
            sp.GetRequiredService<ApprovalClient>(),
            sp.GetRequiredService<OutcomeReporter>(),
            sp.GetRequiredService<DecisionTokenVerifier>(),
            sp.GetRequiredService<ActionHasher>(),
            sp.GetRequiredService<ArgumentRedactor>(),
            sp.GetRequiredService<IOptions<ActionGuardOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            LoggerFor<DefaultActionGuard>(sp),
            ActionGuard.Policy.LocalPolicy.Create(sp.GetRequiredService<IOptions<ActionGuardOptions>>().Value, LoggerFor<DefaultActionGuard>(sp)),
            sp.GetService<ActionGuard.Classification.IDataClassifier>(),
            sp.GetService<ActionGuard.PendingApprovals.PendingApprovalKeeper>()));

        return new ActionGuardBuilder(services);
    }

    private static ILogger<T> LoggerFor<T>(IServiceProvider serviceProvider) =>
        serviceProvider.GetService<ILogger<T>>() ?? NullLogger<T>.Instance;
}
