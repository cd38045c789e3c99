namespace ActionGuard;

/// <summary>
/// A person or workload taking part in an approval: the initiator on whose behalf an agent acts, or an approver.
/// Two parties are the same person when <see cref="Issuer"/> and <see cref="Subject"/> are equal.
/// </summary>
public sealed class ApprovalParty
{
    /// <summary>Gets the identity provider that vouches for the party, for example <c>https://login.example.com/</c>.</summary>
    public string? Issuer { get; init; }

    /// <summary>Gets the subject identifier at <see cref="Issuer"/>.</summary>
    public required string Subject { get; init; }

    /// <summary>Gets a display name.</summary>
    public string? Name { get; init; }

    /// <summary>Gets an e-mail address.</summary>
    public string? Email { get; init; }

    /// <summary>
    /// Gets an ID token from the identity provider that proves the party, sent instead of bare claims when available.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>Returns whether <paramref name="other"/> is the same identity (issuer and subject, ordinal).</summary>
    /// <param name="other">The party to compare with.</param>
    /// <returns><see langword="true"/> when both name the same subject at the same issuer.</returns>
    public bool IsSameIdentity(ApprovalParty? other) =>
        other is not null
        && string.Equals(Subject, other.Subject, StringComparison.Ordinal)
        && string.Equals(Issuer ?? string.Empty, other.Issuer ?? string.Empty, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override string ToString() => Issuer is null ? Subject : $"{Subject} ({Issuer})";
}
