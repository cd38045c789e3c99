using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Notifications;

/// <summary>
/// Posts a request to Slack, threads its reminder under it and updates the message in place with the outcome. The
/// message's channel and <c>ts</c> are kept in memory: after a restart the outcome is posted as a new message.
/// </summary>
internal sealed class SlackChannel : INotificationChannel
{
    private readonly ConcurrentDictionary<string, (string Channel, string Ts)> _messages = new(StringComparer.Ordinal);
    private readonly SlackApi _api;
    private readonly SlackOptions _options;

    public SlackChannel(SlackApi api, IOptions<ActionGuardServerOptions> options)
    {
        _api = api;
        _options = options.Value.Notifications.Slack;
    }

    public string Name => "slack";

    public async Task SendAsync(NotificationEvent notification, CancellationToken cancellationToken)
    {
        var id = notification.Approval.Id;
        var known = _messages.TryGetValue(id, out var message);
        var channel = known ? message.Channel : ChannelFor(notification);
        if (notification.Type == NotificationEventTypes.Reminder)
        {
            await _api.CallAsync("chat.postMessage", SlackMessages.Reminder(notification, channel, known ? message.Ts : null), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (known)
        {
            await _api.CallAsync("chat.update", SlackMessages.Message(notification, message.Channel, message.Ts), cancellationToken).ConfigureAwait(false);
            if (Notifications.NotificationEventTypes.ForStatus(notification.Approval.Status) is not null && Approvals.ApprovalRecord.IsFinal(notification.Approval.Status))
            {
                _messages.TryRemove(id, out _);
            }

            return;
        }

        var reply = await _api.CallAsync("chat.postMessage", SlackMessages.Message(notification, channel, null), cancellationToken).ConfigureAwait(false);
        if (!Approvals.ApprovalRecord.IsFinal(notification.Approval.Status)
            && reply.TryGetProperty("ts", out var ts) && ts.GetString() is { } value
            && reply.TryGetProperty("channel", out var posted) && posted.GetString() is { } postedChannel)
        {
            _messages[id] = (postedChannel, value);
        }
    }

    private string ChannelFor(NotificationEvent notification) =>
        notification.Approval.Policy.Rule is { } rule && _options.RuleChannels.TryGetValue(rule, out var channel) ? channel : _options.Channel!;
}
