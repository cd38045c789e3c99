using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Identity;

/// <summary>
/// Gives every party the server builds (a caller from a token, a review sign-in, a Slack link, an initiator) its
/// link-table name, so that <see cref="ApprovalParty.IsSamePerson"/> — the one comparison of people — sees linked
/// identities as one person wherever it runs, in this server and in the agent's check of the decision token.
/// </summary>
internal sealed class PersonDirectory
{
    private readonly Dictionary<(string Issuer, string Subject), string> _links = [];

    public PersonDirectory(IOptions<ActionGuardServerOptions> options)
    {
        foreach (var link in options.Value.People.Links)
        {
            foreach (var identity in link.Identities)
            {
                _links.TryAdd((ApprovalParty.NormalizeIssuer(identity.Issuer), identity.Subject!), link.Name!);
            }
        }
    }

    /// <summary>Returns <paramref name="party"/> with its link-table name, or as it is when it is not linked.</summary>
    public ApprovalParty Resolve(ApprovalParty party)
    {
        if (party.Issuer is null || !_links.TryGetValue((ApprovalParty.NormalizeIssuer(party.Issuer), party.Subject), out var person))
        {
            return party.Person is null ? party : Copy(party, person: null);
        }

        return Copy(party, person);
    }

    // The link table is the only source of Person: a value the caller sent is dropped.
    private static ApprovalParty Copy(ApprovalParty party, string? person) => new()
    {
        Issuer = party.Issuer,
        Subject = party.Subject,
        Name = party.Name,
        Email = party.Email,
        Token = party.Token,
        Person = person,
    };
}
