using ActionGuard.Server.Identity;
using ActionGuard.Server.Notifications;
using ActionGuard.Server.Policy;
using ActionGuard.Server.Tokens;
using ActionGuard.Server.Waiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Approvals;

/// <summary>
/// The approval protocol without HTTP: <see cref="ApprovalService"/> and what it needs (policy, signing keys, decision
/// tokens, people, waiting, notifications). The server adds its endpoints, throttling and review page around it; the
/// in-memory test backend runs it as it is, on an in-memory store, so both answer every request the same way.
/// </summary>
internal static class ApprovalCoreServices
{
    /// <summary>Registers the core; the caller registers the options and a store.</summary>
    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(CallerAuthenticator.HttpClientName);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value;
            var errors = new List<string>();
            var contentRoot = sp.GetService<IHostEnvironment>()?.ContentRootPath ?? Directory.GetCurrentDirectory();
            var engine = PolicyEngine.Create(options, contentRoot, errors, sp.GetService<ILoggerFactory>()?.CreateLogger<PolicyEngine>());
            if (errors.Count > 0)
            {
                engine.Dispose();
                throw new OptionsValidationException(ActionGuardServerOptions.SectionName, typeof(ActionGuardServerOptions), errors);
            }

            if (options.Policy.Watch)
            {
                engine.Watch(sp.GetRequiredService<TimeProvider>());
            }

            return engine;
        });
        services.TryAddSingleton<ApprovalSignals>();
        services.TryAddSingleton<AgentPresence>();
        services.TryAddSingleton<ExpiryScheduler>();
        services.TryAddSingleton<ServerSigningKeys>();
        services.TryAddSingleton<DecisionTokenIssuer>();
        services.TryAddSingleton<PersonDirectory>();
        services.TryAddSingleton<CallerAuthenticator>();
        NotificationServices.Add(services);
        services.TryAddSingleton<ApprovalService>();
    }
}
