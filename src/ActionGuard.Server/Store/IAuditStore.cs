using ActionGuard.Server.Audit;

namespace ActionGuard.Server.Store;

/// <summary>
/// The hash-chained audit log: appended by every change, read by auditors and the checkpoints.
/// Every store (SQLite, PostgreSQL) implements all of the store interfaces over one database, so a change and its
/// audit records and outbox messages commit in one transaction.
/// </summary>
internal interface IAuditStore
{
    /// <summary>Appends audit records that belong to no state change (notification deliveries and dead letters).</summary>
    Task AppendAuditAsync(IReadOnlyList<AuditEntry> audit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>Reads the audit records of one approval in log order (an index lookup, not a scan of the log).</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAuditForApprovalAsync(string approvalId, CancellationToken cancellationToken = default);
}
