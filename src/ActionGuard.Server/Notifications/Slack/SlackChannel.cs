using ActionGuard.Server.Approvals;
using ActionGuard.Server.Store;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Notifications.Slack;

/// <summary>
/// Posts a request to Slack, threads its reminder under it and updates the message in place with the outcome. The
/// message's channel and <c>ts</c> are kept in the store, so an outcome after a restart still updates the message.
/// </summary>
internal sealed class SlackChannel : INotificationChannel
{
    private const char Separator = '|';
    private readonly SlackApi _api;
    private readonly IMessageReferenceStore _store;
    private readonly SlackOptions _options;

    public SlackChannel(SlackApi api, IMessageReferenceStore store, IOptions<ActionGuardServerOptions> options)
    {
        _api = api;
        _store = store;
        _options = options.Value.Notifications.Slack;
    }

    public string Name => "slack";

    public async Task SendAsync(NotificationEvent notification, CancellationToken cancellationToken)
    {
        var id = notification.Approval.Id;
        var known = Parse(await _store.GetMessageReferenceAsync(id, Name, cancellationToken).ConfigureAwait(false));
        var channel = known?.Channel ?? ChannelFor(notification);
        if (notification.Type == NotificationEventTypes.Reminder)
        {
            await _api.CallAsync("chat.postMessage", SlackMessages.Reminder(notification, channel, known?.Ts), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (known is { } message)
        {
            await _api.CallAsync("chat.update", SlackMessages.Message(notification, message.Channel, message.Ts), cancellationToken).ConfigureAwait(false);
            if (ApprovalRecord.IsFinal(notification.Approval.Status))
            {
                await _store.SetMessageReferenceAsync(id, Name, null, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var reply = await _api.CallAsync("chat.postMessage", SlackMessages.Message(notification, channel, null), cancellationToken).ConfigureAwait(false);
        if (!ApprovalRecord.IsFinal(notification.Approval.Status)
            && reply.TryGetProperty("ts", out var ts) && ts.GetString() is { } value
            && reply.TryGetProperty("channel", out var posted) && posted.GetString() is { } postedChannel)
        {
            await _store.SetMessageReferenceAsync(id, Name, postedChannel + Separator + value, cancellationToken).ConfigureAwait(false);
        }
    }

    private static (string Channel, string Ts)? Parse(string? reference)
    {
        var split = reference?.IndexOf(Separator, StringComparison.Ordinal) ?? -1;
        return split > 0 ? (reference![..split], reference[(split + 1)..]) : null;
    }

    private string ChannelFor(NotificationEvent notification) =>
        notification.Approval.Policy.Rule is { } rule && _options.RuleChannels.TryGetValue(rule, out var channel) ? channel : _options.Channel!;
}
