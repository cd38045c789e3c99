namespace ActionGuard.Server.Notifications;

/// <summary>
/// Supplies the channels of one kind that the configuration turns on (none, one, or one per subscriber). Each kind
/// (<c>Slack/</c>, <c>Teams/</c>, <c>Webhooks/</c>) registers its provider with <c>TryAddEnumerable</c>, with its
/// options validator beside it; the notifier sends to every channel of every provider.
/// </summary>
internal interface INotificationChannelProvider
{
    IEnumerable<INotificationChannel> CreateChannels();
}
