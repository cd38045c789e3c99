namespace ActionGuard.Server.Notifications.Slack;

/// <summary>
/// The Slack app (section <c>ActionGuard:Notifications:Slack</c>): a bot token to post and update messages, the signing
/// secret that proves interactions come from Slack, and the link table (or, opted in, the verified e-mail address) that
/// says which IdP identity a Slack user is.
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

    /// <summary>Gets the explicit link table: which IdP identity and groups each Slack user decides as. It always wins over <see cref="MapUsersByEmail"/>.</summary>
    public IList<SlackUserLinkOptions> Users { get; } = new List<SlackUserLinkOptions>();

    /// <summary>
    /// Gets or sets whether a Slack user missing from <see cref="Users"/> decides as the IdP identity with the same
    /// verified e-mail address. The address comes from Slack's <c>users.info</c> (the bot token then needs
    /// <c>users:read</c> and <c>users:read.email</c>); the identity is one the server has seen authenticate with
    /// <c>email_verified</c> true, with the groups of that token. Off by default: it makes the Slack workspace's record
    /// of who owns an address part of approver identity, which an operator should choose knowingly.
    /// </summary>
    public bool MapUsersByEmail { get; set; }

    /// <summary>Gets or sets whether guest (restricted) Slack accounts may be mapped by e-mail. Default <see langword="false"/>.</summary>
    public bool MapGuestsByEmail { get; set; }

    /// <summary>Gets or sets how long a <c>users.info</c> answer is reused; zero asks Slack every time. Default 5 minutes.</summary>
    public TimeSpan UserInfoCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how recently an identity must have authenticated to be mapped to. Default 30 days.
    /// </summary>
    public TimeSpan MappedIdentityMaxAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Gets or sets how recently a mapped identity's groups must have been read from a token to count. Older groups do
    /// not count: the person can still decide where a rule names no approver groups, and is told to sign in once on the
    /// review page (or call the API) to confirm them. Default 15 minutes, so someone removed from a group at the
    /// identity provider stops approving for it within minutes.
    /// </summary>
    public TimeSpan MappedGroupsMaxAge { get; set; } = TimeSpan.FromMinutes(15);
}
