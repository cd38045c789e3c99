namespace ActionGuard.Server.Notifications;

/// <summary>
/// The Slack app (section <c>ActionGuard:Notifications:Slack</c>): a bot token to post and update messages, the signing
/// secret that proves interactions come from Slack, and the link table that says which IdP identity a Slack user is.
/// Slack is off while <see cref="BotToken"/> is unset.
/// </summary>
public sealed class SlackOptions
{
    /// <summary>Gets or sets the bot token (<c>xoxb-…</c>) with the <c>chat:write</c> scope.</summary>
    public string? BotToken { get; set; }

    /// <summary>Gets or sets the channel id requests are posted to unless <see cref="RuleChannels"/> names another.</summary>
    public string? Channel { get; set; }

    /// <summary>Gets the channel per policy rule name: requests matched by that rule go there instead.</summary>
    public IDictionary<string, string> RuleChannels { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the base of Slack's Web API. Default <c>https://slack.com/api/</c>.</summary>
    public string ApiBaseUrl { get; set; } = "https://slack.com/api/";

    /// <summary>Gets or sets the app's signing secret; required for the interactions endpoint to accept anything.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>Gets the explicit link table: which IdP identity and groups each Slack user decides as.</summary>
    public IList<SlackUserLinkOptions> Users { get; } = new List<SlackUserLinkOptions>();
}
