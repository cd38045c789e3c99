namespace ActionGuard.Server;

/// <summary>One person's identities at several issuers (<c>ActionGuard:People:Links:N</c>).</summary>
public sealed class PersonLinkOptions
{
    /// <summary>Gets or sets the person's name in the link table, unique; approvals show it as the identities' <c>person</c>.</summary>
    public string? Name { get; set; }

    /// <summary>Gets the identities, at least two; each issuer must be one of <c>ActionGuard:Issuers</c>.</summary>
    public IList<PersonIdentityOptions> Identities { get; } = new List<PersonIdentityOptions>();
}
