using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Notifications;

/// <summary>Registers the notifier and one channel per configured destination.</summary>
internal static class NotificationServices
{
    public static void Add(IServiceCollection services)
    {
        // The URLs of Teams workflows and webhooks are secrets; HttpClient's own logging would write them whole.
        services.TryAddSingleton<NotificationHttpLogger>();
        services.AddHttpClient(WebhookChannel.HttpClientName)
            .RemoveAllLoggers()
            .AddLogger<NotificationHttpLogger>(wrapHandlersPipeline: true);
        services.TryAddSingleton<Notifier>();
        services.TryAddSingleton<SlackApi>();
        services.TryAddSingleton<SlackChannel>();
        services.TryAddSingleton<SlackIdentityResolver>();
        services.TryAddSingleton<ApproverDirectory>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<Notifier>());
        services.AddSingleton<IEnumerable<INotificationChannel>>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value.Notifications;
            var http = sp.GetRequiredService<IHttpClientFactory>();
            var time = sp.GetRequiredService<TimeProvider>();
            var channels = new List<INotificationChannel>();
            for (var i = 0; i < options.Webhooks.Count; i++)
            {
                channels.Add(new WebhookChannel(i, options.Webhooks[i], http, time));
            }

            if (options.Slack.BotToken is not null)
            {
                channels.Add(sp.GetRequiredService<SlackChannel>());
            }

            if (options.Teams.WebhookUrl is not null)
            {
                channels.Add(new TeamsChannel(http, sp.GetRequiredService<IOptions<ActionGuardServerOptions>>()));
            }

            return channels;
        });
    }
}
