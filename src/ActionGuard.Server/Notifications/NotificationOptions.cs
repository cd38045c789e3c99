using ActionGuard.Server.Notifications.Slack;
using ActionGuard.Server.Notifications.Teams;
using ActionGuard.Server.Notifications.Webhooks;
namespace ActionGuard.Server.Notifications;

/// <summary>
/// Where and how the backend tells people about approvals (section <c>ActionGuard:Notifications</c>). Notifications are
/// sent from a background queue after each change commits; a failed one is retried and then recorded as
/// <c>notification_failed</c> in the audit log, and never blocks or decides a request.
/// </summary>
public sealed class NotificationOptions
{
    /// <summary>Gets or sets how long before a pending request expires a reminder is sent; zero turns reminders off. Default 5 minutes.</summary>
    public TimeSpan ReminderBefore { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how many times a notification is tried before it is dead-lettered. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Gets or sets the delay before the first retry; each further retry doubles it. Default 2 seconds.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the longest delay between two tries. Default 1 minute.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how long one HTTP send may take. Default 10 seconds.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the generic webhook subscribers.</summary>
    public IList<WebhookSubscriberOptions> Webhooks { get; } = new List<WebhookSubscriberOptions>();

    /// <summary>Gets the Slack app.</summary>
    public SlackOptions Slack { get; } = new();

    /// <summary>Gets Microsoft Teams.</summary>
    public TeamsOptions Teams { get; } = new();
}
