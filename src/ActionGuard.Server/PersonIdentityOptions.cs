namespace ActionGuard.Server;

/// <summary>An identity in a person link: a subject at an issuer.</summary>
public sealed class PersonIdentityOptions
{
    /// <summary>Gets or sets the issuer, as configured in <c>ActionGuard:Issuers</c> (trailing slash and case of scheme and host aside).</summary>
    public string? Issuer { get; set; }

    /// <summary>Gets or sets the subject (<c>sub</c>) at that issuer.</summary>
    public string? Subject { get; set; }
}
