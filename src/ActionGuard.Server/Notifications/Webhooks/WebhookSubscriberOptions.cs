namespace ActionGuard.Server.Notifications.Webhooks;

/// <summary>A generic webhook subscriber: every event is POSTed to <see cref="Url"/> as JSON signed with <see cref="Secret"/>.</summary>
public sealed class WebhookSubscriberOptions
{
    /// <summary>Gets or sets the absolute http or https URL the events are POSTed to.</summary>
    public string? Url { get; set; }

    /// <summary>Gets or sets the shared secret of the HMAC-SHA256 signature; at least 16 characters.</summary>
    public string? Secret { get; set; }
}
