using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Notifications.Slack;

/// <summary>The Slack app: messages with Approve and Deny, interactions, identity mapping.</summary>
internal sealed class SlackNotifications : INotificationChannelProvider
{
    private readonly SlackChannel _channel;
    private readonly SlackOptions _options;

    public SlackNotifications(SlackChannel channel, IOptions<ActionGuardServerOptions> options)
    {
        _channel = channel;
        _options = options.Value.Notifications.Slack;
    }

    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<SlackApi>();
        services.TryAddSingleton<SlackChannel>();
        services.TryAddSingleton<SlackIdentityResolver>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationChannelProvider, SlackNotifications>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ActionGuardServerOptions>, SlackOptionsValidator>());
    }

    public IEnumerable<INotificationChannel> CreateChannels() => _options.BotToken is null ? [] : [_channel];
}
