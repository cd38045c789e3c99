using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Notifications.Teams;

/// <summary>Microsoft Teams: an Adaptive Card per request, posted to a workflow webhook.</summary>
internal sealed class TeamsNotifications : INotificationChannelProvider
{
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly IOptions<ActionGuardServerOptions> _options;

    public TeamsNotifications(IHttpClientFactory httpClientFactory, IOptions<ActionGuardServerOptions> options)
    {
        _httpClientFactory = httpClientFactory;
        _options = options;
    }

    public static void Add(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationChannelProvider, TeamsNotifications>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ActionGuardServerOptions>, TeamsOptionsValidator>());
    }

    public IEnumerable<INotificationChannel> CreateChannels() =>
        _options.Value.Notifications.Teams.WebhookUrl is null ? [] : [new TeamsChannel(_httpClientFactory, _options)];
}
