namespace ActionGuard.Server.Web;

/// <summary>
/// The approver web page at <c>/review</c>, bound from <c>ActionGuard:Review</c>. The page is served only when
/// <see cref="ClientId"/> is set; approvers sign in at <see cref="Issuer"/> with the authorization code flow and PKCE.
/// Point <see cref="ActionGuardServerOptions.ReviewUrlBase"/> at <c>https://host/review</c> so links in notifications
/// open the page.
/// </summary>
public sealed class ReviewOptions
{
    /// <summary>Gets or sets the OIDC client id registered for the page at the identity provider; the id token's audience. Setting it turns the page on.</summary>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the client secret, for identity providers that require a confidential client. Optional: PKCE protects public clients.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// Gets or sets the issuer approvers sign in at: one of <see cref="ActionGuardServerOptions.Issuers"/>, whose
    /// discovery, JWKS and groups claim are used. May be left out when exactly one issuer is configured.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>Gets or sets the scopes requested, separated by spaces; must include <c>openid</c>. Default <c>openid profile email</c>.</summary>
    public string Scopes { get; set; } = "openid profile email";

    /// <summary>
    /// Gets or sets how long a sign-in lasts. The person's groups are those of the sign-in, so this bounds how long
    /// someone removed from a group at the identity provider can still decide for it. Default 10 minutes; the
    /// provider's single sign-on usually makes the next sign-in a silent redirect.
    /// </summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how long a sign-in may take at the identity provider before it has to start again. Default 10 minutes.</summary>
    public TimeSpan SignInTimeout { get; set; } = TimeSpan.FromMinutes(10);
}
