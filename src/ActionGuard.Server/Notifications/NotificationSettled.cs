namespace ActionGuard.Server.Notifications;

/// <summary>How one delivery ended, after its audit record was written.</summary>
/// <param name="Notification">The event.</param>
/// <param name="Channel">The channel's name.</param>
/// <param name="Attempts">How many tries it took.</param>
/// <param name="Delivered">Whether it was delivered (<c>notified</c>) or dead-lettered (<c>notification_failed</c>).</param>
internal sealed record NotificationSettled(NotificationEvent Notification, string Channel, int Attempts, bool Delivered);
