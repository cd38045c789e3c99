namespace ActionGuard.Server.Notifications.Teams;

/// <summary>Microsoft Teams (section <c>ActionGuard:Notifications:Teams</c>); off while <see cref="WebhookUrl"/> is unset.</summary>
public sealed class TeamsOptions
{
    /// <summary>
    /// Gets or sets the incoming webhook or Workflows ("When a Teams webhook request is received") URL the Adaptive Cards
    /// are POSTed to. Treat it as a secret: whoever has it can post to the channel.
    /// </summary>
    public string? WebhookUrl { get; set; }
}
