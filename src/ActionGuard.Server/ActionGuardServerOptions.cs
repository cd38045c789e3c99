namespace ActionGuard.Server;

/// <summary>
/// Options of the approval backend, bound from the <c>ActionGuard</c> configuration section (appsettings.json,
/// environment variables such as <c>ActionGuard__DataDirectory</c>, or <c>--ActionGuard:DataDirectory</c>) and
/// validated at start.
/// </summary>
public sealed class ActionGuardServerOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "ActionGuard";

    /// <summary>
    /// Gets or sets the folder of the SQLite database (see <see cref="Store"/>); created on first start. Default <c>data</c>
    /// under the content root.
    /// </summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// Gets or sets the issuer written into decision tokens: the backend's public base URL as agents configure it.
    /// When unset, the scheme, host and path base of each request are used.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>Gets <see cref="Issuer"/> as decision tokens and audit checkpoints carry it: without a trailing slash.</summary>
    internal string? TokenIssuer => Issuer?.TrimEnd('/');

    /// <summary>
    /// Gets or sets the base of review links; the approval id is appended. With the review page on (<see cref="Review"/>),
    /// set it to the page's public address, <c>https://host/review</c>. When unset, approvals carry no <c>reviewUrl</c>.
    /// </summary>
    public string? ReviewUrlBase { get; set; }

    /// <summary>Gets or sets how long a request may stay pending when its policy rule names no TTL. Default 15 minutes.</summary>
    public TimeSpan DefaultTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets how long an approved request may wait to be claimed before it expires. Default 5 minutes.</summary>
    public TimeSpan ClaimWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the lifetime of decision tokens, at most 5 minutes. Default 2 minutes.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets how old the signing key may get before a new one is created at start. Default 30 days.</summary>
    public TimeSpan KeyRotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Gets or sets the group whose members may read and verify the audit log. Default <c>actionguard-auditors</c>.</summary>
    public string AuditorGroup { get; set; } = "actionguard-auditors";

    /// <summary>Whether <paramref name="caller"/> is a person in <see cref="AuditorGroup"/>: the one test of being an auditor.</summary>
    internal bool IsAuditor(Identity.Caller caller) => !caller.IsAgent && caller.Groups.Contains(AuditorGroup);

    /// <summary>
    /// Gets the addresses of reverse proxies whose <c>X-Forwarded-For</c> header names the client, so that limits per
    /// client address (failed authentications) key on the real client rather than the proxy. Only the address the
    /// nearest proxy appended is taken. Empty (the default) trusts proxies on loopback only.
    /// </summary>
    public IList<string> TrustedProxies { get; } = new List<string>();

    /// <summary>Gets who counts as one person: links between identities, and whether initiators must be proven.</summary>
    public PeopleOptions People { get; } = new();

    /// <summary>Gets the OIDC issuers whose JWTs identify approvers and auditors.</summary>
    public IList<OidcIssuerOptions> Issuers { get; } = new List<OidcIssuerOptions>();

    /// <summary>Gets how agents authenticate.</summary>
    public AgentAuthenticationOptions Agents { get; } = new();

    /// <summary>Gets the policy: rules that set thresholds, approver groups and TTLs, or decide at once.</summary>
    public PolicyOptions Policy { get; } = new();

    /// <summary>Gets where signed checkpoints of the audit log are exported.</summary>
    public AuditOptions Audit { get; } = new();

    /// <summary>Gets the notifications: reminders, retries and the webhook, Slack and Teams channels.</summary>
    public Notifications.NotificationOptions Notifications { get; } = new();

    /// <summary>Gets the approver web page (<c>/review</c>): OIDC sign-in with the authorization code flow and PKCE.</summary>
    public Web.ReviewOptions Review { get; } = new();

    /// <summary>Gets the store: the embedded SQLite database (default) or PostgreSQL for several instances.</summary>
    public Store.StoreOptions Store { get; } = new();

    /// <summary>Gets the request limits.</summary>
    public ServerLimitsOptions Limits { get; } = new();
}
