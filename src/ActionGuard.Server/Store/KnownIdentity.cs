namespace ActionGuard.Server.Store;

/// <summary>
/// An approver the server has seen authenticate with a verified e-mail address; the Slack integration maps a Slack user
/// to it by that address.
/// </summary>
/// <param name="Issuer">The OIDC issuer, as configured.</param>
/// <param name="Subject">The subject at the issuer.</param>
/// <param name="Name">The display name from the token, if any.</param>
/// <param name="Email">The verified e-mail address, as the token carried it.</param>
/// <param name="Groups">The groups from the token.</param>
/// <param name="LastSeen">When the approver last authenticated (kept to within a few minutes).</param>
internal sealed record KnownIdentity(string Issuer, string Subject, string? Name, string Email, IReadOnlyList<string> Groups, DateTimeOffset LastSeen)
{
    /// <summary>Gets the form e-mail addresses are compared in: trimmed and upper case (invariant).</summary>
    public static string EmailKey(string email) => email.Trim().ToUpperInvariant();
}
