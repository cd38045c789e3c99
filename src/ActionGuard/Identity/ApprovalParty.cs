namespace ActionGuard;

/// <summary>
/// A person or workload taking part in an approval: the initiator on whose behalf an agent acts, or an approver.
/// <see cref="IsSamePerson"/> says when two parties are one person; it is the only comparison of people the SDK and
/// the backend make.
/// </summary>
public sealed class ApprovalParty
{
    /// <summary>Gets the identity provider that vouches for the party, for example <c>https://login.example.com/</c>.</summary>
    public string? Issuer { get; init; }

    /// <summary>Gets the subject identifier at <see cref="Issuer"/>.</summary>
    public required string Subject { get; init; }

    /// <summary>Gets a display name.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Gets an e-mail address. An address is taken as the person's: two parties with the same address (compared without
    /// case) are one person. The backend keeps only addresses the identity provider marked verified for approvers.
    /// </summary>
    public string? Email { get; init; }

    /// <summary>
    /// Gets the name under which the backend's link table joins several identities (one account at each of two identity
    /// providers, say) into one person; parties with the same <see cref="Person"/> are one person.
    /// </summary>
    public string? Person { get; init; }

    /// <summary>
    /// Gets an ID token from the identity provider that proves the party, sent instead of bare claims when available.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>
    /// Returns whether <paramref name="other"/> is the same person: the same <see cref="Person"/> link, or the same
    /// <see cref="Subject"/> at the same issuer (issuers compared as <see cref="NormalizeIssuer"/> writes them; a party
    /// stated without an issuer matches on its subject alone, so leaving the issuer out never makes two people of one),
    /// or the same <see cref="Email"/> address.
    /// </summary>
    /// <param name="other">The party to compare with.</param>
    /// <returns><see langword="true"/> when both are one person.</returns>
    public bool IsSamePerson(ApprovalParty? other)
    {
        if (other is null)
        {
            return false;
        }

        if (!string.IsNullOrEmpty(Person) && string.Equals(Person, other.Person, StringComparison.Ordinal))
        {
            return true;
        }

        if (string.Equals(Subject, other.Subject, StringComparison.Ordinal)
            && (string.IsNullOrWhiteSpace(Issuer) || string.IsNullOrWhiteSpace(other.Issuer)
                || string.Equals(NormalizeIssuer(Issuer), NormalizeIssuer(other.Issuer), StringComparison.Ordinal)))
        {
            return true;
        }

        return !string.IsNullOrWhiteSpace(Email) && !string.IsNullOrWhiteSpace(other.Email)
            && string.Equals(Email.Trim(), other.Email.Trim(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Gets a key that two parties share only when <see cref="IsSamePerson"/> holds for them: the link-table name, else
    /// the e-mail address, else the subject at the normalised issuer. For keeping state per person (a rate allowance).
    /// </summary>
    internal string PersonKey =>
        !string.IsNullOrEmpty(Person) ? "person:" + Person
        : !string.IsNullOrWhiteSpace(Email) ? "email:" + Email.Trim().ToUpperInvariant()
        : "sub:" + NormalizeIssuer(Issuer) + "\n" + Subject;

    /// <summary>Returns whether <paramref name="other"/> is the same person.</summary>
    /// <param name="other">The party to compare with.</param>
    /// <returns><see langword="true"/> when both are one person.</returns>
    [Obsolete("Use IsSamePerson, which also matches issuers spelled differently, linked identities and e-mail addresses.")]
    public bool IsSameIdentity(ApprovalParty? other) => IsSamePerson(other);

    /// <summary>
    /// Returns the form in which issuers are compared: trimmed, scheme and host in lower case, without trailing
    /// slashes, so <c>https://Login.example.com/</c> and <c>https://login.example.com</c> are one issuer.
    /// </summary>
    /// <param name="issuer">An issuer identifier.</param>
    /// <returns>The comparable form; empty for <see langword="null"/>.</returns>
    public static string NormalizeIssuer(string? issuer) =>
        issuer is null ? string.Empty : Policy.PolicyUrl.Normalize(issuer).TrimEnd('/');

    /// <summary>The subject prefix of decisions made by policy rules (<c>policy:&lt;rule&gt;</c>); reserved, no person has it.</summary>
    public const string PolicySubjectPrefix = "policy:";

    /// <summary>Gets a value indicating whether this party is a policy rule rather than a person.</summary>
    public bool IsPolicyRule => IsPolicySubject(Subject);

    /// <summary>Returns whether <paramref name="subject"/> is reserved for policy rules.</summary>
    /// <param name="subject">A subject, agent id or user name.</param>
    /// <returns><see langword="true"/> when it starts with <see cref="PolicySubjectPrefix"/>.</returns>
    public static bool IsPolicySubject(string? subject) => subject?.StartsWith(PolicySubjectPrefix, StringComparison.Ordinal) == true;

    /// <summary>Returns the party that stands for policy rule <paramref name="rule"/> in decisions.</summary>
    internal static ApprovalParty ForPolicyRule(string? rule, string? issuer) =>
        new() { Issuer = issuer, Subject = PolicySubjectPrefix + rule, Name = rule };

    /// <inheritdoc/>
    public override string ToString() => Issuer is null ? Subject : $"{Subject} ({Issuer})";
}
