using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Audit;

namespace ActionGuard.Server.Store;

/// <summary>
/// Approvals: created with their audit records and outbox messages in one transaction, changed only through a transition.
/// Every store (SQLite, PostgreSQL) implements all of the store interfaces over one database, so a change and its
/// audit records and outbox messages commit in one transaction.
/// </summary>
internal interface IApprovalStore
{
    /// <summary>
    /// Inserts <paramref name="record"/> with its audit records and outbox messages unless the agent already used its
    /// idempotency key; then writes nothing and returns the existing record instead (the caller compares request hashes).
    /// </summary>
    Task<CreateOutcome> CreateAsync(ApprovalRecord record, IReadOnlyList<AuditEntry> audit, IReadOnlyList<OutboxMessage> outbox, CancellationToken cancellationToken = default);

    Task<ApprovalRecord?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the record and applies <paramref name="transition"/> in one write transaction; stores what it returns (the
    /// record, its audit records and its outbox messages). Returns <see langword="null"/> when there is no such record.
    /// </summary>
    Task<TransitionResult?> UpdateAsync(string id, Func<ApprovalRecord, TransitionResult> transition, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies several transitions as <see cref="UpdateAsync"/> does, committed together where the store can; each
    /// result (or fault) is the transition's own, in order.
    /// </summary>
    Task<TransitionResult?>[] UpdateManyAsync(IReadOnlyList<(string Id, Func<ApprovalRecord, TransitionResult> Transition)> transitions, CancellationToken cancellationToken = default);

    /// <summary>Lists approvals newest first; <paramref name="cursor"/> is the <see cref="ApprovalPage.NextCursor"/> of the previous page.</summary>
    Task<ApprovalPage> ListAsync(ApprovalStatus? status, string? cursor, int limit, CancellationToken cancellationToken = default);

    /// <summary>Approvals that can still expire (pending or approved), to schedule their timers after a start.</summary>
    Task<IReadOnlyList<(string Id, DateTimeOffset ExpiresAt)>> ListExpirableAsync(CancellationToken cancellationToken = default);
}
