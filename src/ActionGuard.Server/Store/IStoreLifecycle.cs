namespace ActionGuard.Server.Store;

/// <summary>
/// Creating or migrating the schema at start, and answering readiness probes.
/// Every store (SQLite, PostgreSQL) implements all of the store interfaces over one database, so a change and its
/// audit records and outbox messages commit in one transaction.
/// </summary>
internal interface IStoreLifecycle
{
    /// <summary>Gets where the store is, without secrets: a file path, or host, port and database (never the connection string).</summary>
    string Description { get; }

    /// <summary>Creates or migrates the schema. Called once at start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the store answers; for readiness.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken = default);
}
