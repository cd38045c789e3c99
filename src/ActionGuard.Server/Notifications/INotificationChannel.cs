namespace ActionGuard.Server.Notifications;

/// <summary>One destination of notifications. A send that does not complete throws; the notifier retries it.</summary>
internal interface INotificationChannel
{
    /// <summary>Gets the name recorded in the audit log; never a URL or secret (webhook URLs often are secrets).</summary>
    string Name { get; }

    Task SendAsync(NotificationEvent notification, CancellationToken cancellationToken);
}
