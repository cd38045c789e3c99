namespace ActionGuard.Server.Notifications.Slack;

/// <summary>One row of the Slack link table: a Slack user id and the IdP identity whose decisions it makes.</summary>
public sealed class SlackUserLinkOptions
{
    /// <summary>Gets or sets the Slack user id (<c>U…</c>), as Slack sends it in interactions.</summary>
    public string? SlackUserId { get; set; }

    /// <summary>Gets or sets the IdP issuer of the identity; one of the configured <c>Issuers</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>Gets or sets the IdP subject of the identity.</summary>
    public string? Subject { get; set; }

    /// <summary>Gets or sets the display name recorded with the decision.</summary>
    public string? Name { get; set; }

    /// <summary>Gets the groups the identity decides with (policy <c>ApproverGroups</c>).</summary>
    public IList<string> Groups { get; } = new List<string>();
}
