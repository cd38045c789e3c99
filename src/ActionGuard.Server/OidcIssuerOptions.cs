namespace ActionGuard.Server;

/// <summary>An OIDC issuer whose JWTs the backend accepts (for approvers and auditors, or agents' workload identity).</summary>
public sealed class OidcIssuerOptions
{
    /// <summary>Gets or sets the issuer (<c>iss</c>), for example <c>https://login.example.com/</c>. Required.</summary>
    public string? Issuer { get; set; }

    /// <summary>Gets or sets the audience (<c>aud</c>) tokens must be issued for. Required.</summary>
    public string? Audience { get; set; }

    /// <summary>Gets or sets the discovery document's address. Default: the issuer + <c>/.well-known/openid-configuration</c>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>Gets or sets the claim that lists the groups of the person. Default <c>groups</c>.</summary>
    public string GroupsClaim { get; set; } = "groups";

    /// <summary>Gets or sets whether discovery and JWKS must be fetched over HTTPS. Default <see langword="true"/>.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}
