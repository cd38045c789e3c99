using ActionGuard.Server.Notifications.Slack;
using ActionGuard.Server.Notifications.Teams;
using ActionGuard.Server.Notifications.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ActionGuard.Server.Notifications;

/// <summary>Registers the notifier and every kind of channel; the configuration decides which channels exist.</summary>
internal static class NotificationServices
{
    /// <summary>The named HttpClient every channel sends with (its logging never writes a URL's path or query).</summary>
    public const string HttpClientName = "ActionGuard.Notifications";

    public static void Add(IServiceCollection services)
    {
        // The URLs of Teams workflows and webhooks are secrets; HttpClient's own logging would write them whole.
        services.TryAddSingleton<NotificationHttpLogger>();
        services.AddHttpClient(NotificationServices.HttpClientName)
            .RemoveAllLoggers()
            .AddLogger<NotificationHttpLogger>(wrapHandlersPipeline: true);
        services.TryAddSingleton<Notifier>();
        services.TryAddSingleton<ApproverDirectory>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<Notifier>());

        // One line per kind of channel; each registers its channel provider and its options validator.
        SlackNotifications.Add(services);
        TeamsNotifications.Add(services);
        WebhookNotifications.Add(services);
    }
}
