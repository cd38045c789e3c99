namespace ActionGuard.Server.Notifications;

/// <summary>A receiver refused a notification; the message is safe for the audit log (no URLs, tokens or bodies).</summary>
internal sealed class NotificationSendException : Exception
{
    public NotificationSendException(string message)
        : base(message)
    {
    }

    public NotificationSendException()
    {
    }

    public NotificationSendException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
