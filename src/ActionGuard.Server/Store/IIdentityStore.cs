namespace ActionGuard.Server.Store;

/// <summary>
/// Identities approvers authenticated with (issuer, subject, verified e-mail, groups), for Slack e-mail mapping.
/// Every store (SQLite, PostgreSQL) implements all of the store interfaces over one database, so a change and its
/// audit records and outbox messages commit in one transaction.
/// </summary>
internal interface IIdentityStore
{
    /// <summary>Inserts or replaces the identity with the same issuer and subject.</summary>
    Task RecordIdentityAsync(KnownIdentity identity, CancellationToken cancellationToken = default);

    /// <summary>Removes the identity, e.g. when its token no longer carries a verified e-mail address.</summary>
    Task ForgetIdentityAsync(string issuer, string subject, CancellationToken cancellationToken = default);

    /// <summary>Finds the identities recorded with <paramref name="email"/>, compared as <see cref="KnownIdentity.EmailKey"/>.</summary>
    Task<IReadOnlyList<KnownIdentity>> FindIdentitiesByEmailAsync(string email, CancellationToken cancellationToken = default);
}
