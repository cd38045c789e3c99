using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Notifications.Webhooks;

/// <summary>Generic webhooks: signed JSON to every subscriber.</summary>
internal sealed class WebhookNotifications : INotificationChannelProvider
{
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _timeProvider;
    private readonly IList<WebhookSubscriberOptions> _subscribers;

    public WebhookNotifications(IHttpClientFactory httpClientFactory, TimeProvider timeProvider, IOptions<ActionGuardServerOptions> options)
    {
        _httpClientFactory = httpClientFactory;
        _timeProvider = timeProvider;
        _subscribers = options.Value.Notifications.Webhooks;
    }

    public static void Add(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationChannelProvider, WebhookNotifications>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ActionGuardServerOptions>, WebhookOptionsValidator>());
    }

    public IEnumerable<INotificationChannel> CreateChannels() =>
        _subscribers.Select((subscriber, index) => (INotificationChannel)new WebhookChannel(index, subscriber, _httpClientFactory, _timeProvider));
}
