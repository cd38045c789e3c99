namespace ActionGuard.Server;

/// <summary>
/// Who counts as one person (<c>ActionGuard:People</c>). Identities are one person when they have the same subject at
/// the same issuer (however the issuer is spelled), the same e-mail address the identity provider verified, or a link
/// here. The initiator can never approve, and thresholds count each person once.
/// </summary>
public sealed class PeopleOptions
{
    /// <summary>
    /// Gets the explicit links: each joins identities at the configured issuers (one account per identity provider, an
    /// old and a new subject) into one named person. An identity can be in one link only.
    /// </summary>
    public IList<PersonLinkOptions> Links { get; } = new List<PersonLinkOptions>();

    /// <summary>
    /// Gets or sets a value indicating whether every request must carry its initiator proven by an ID token
    /// (<c>initiator.token</c>) from a configured issuer. A request without one is refused with 400 naming
    /// <c>initiator.token</c>, so no decision rests on an initiator the agent merely stated. Default <see langword="false"/>.
    /// </summary>
    public bool RequireProvenInitiator { get; set; }
}
