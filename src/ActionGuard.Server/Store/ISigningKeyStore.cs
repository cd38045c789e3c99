namespace ActionGuard.Server.Store;

/// <summary>
/// The server's ES256 signing keys, current and retired.
/// Every store (SQLite, PostgreSQL) implements all of the store interfaces over one database, so a change and its
/// audit records and outbox messages commit in one transaction.
/// </summary>
internal interface ISigningKeyStore
{
    Task<IReadOnlyList<StoredSigningKey>> GetSigningKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a signing key and marks every other unretired key retired at its creation time.</summary>
    Task AddSigningKeyAsync(StoredSigningKey key, CancellationToken cancellationToken = default);
}
