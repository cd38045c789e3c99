using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Audit;

namespace ActionGuard.Server.Store;

/// <summary>
/// Durable state of the backend. Every write runs in one transaction with the audit records it appends, so a crash never
/// leaves a change without its record or a record without its change. Implementations: SQLite (default, one instance)
/// and PostgreSQL (several instances: row locks for <see cref="UpdateAsync"/>, a locked audit tail, a leased outbox).
/// </summary>
internal interface IApprovalStore
{
    /// <summary>Creates or migrates the schema. Called once at start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

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

    /// <summary>Lists approvals newest first; <paramref name="cursor"/> is the <see cref="ApprovalPage.NextCursor"/> of the previous page.</summary>
    Task<ApprovalPage> ListAsync(ApprovalStatus? status, string? cursor, int limit, CancellationToken cancellationToken = default);

    /// <summary>Approvals that can still expire (pending or approved), to schedule their timers after a start.</summary>
    Task<IReadOnlyList<(string Id, DateTimeOffset ExpiresAt)>> ListExpirableAsync(CancellationToken cancellationToken = default);

    /// <summary>Appends audit records that belong to no state change (notification deliveries and dead letters).</summary>
    Task AppendAuditAsync(IReadOnlyList<AuditEntry> audit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>Reads the audit records of one approval in log order (an index lookup, not a scan of the log).</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAuditForApprovalAsync(string approvalId, CancellationToken cancellationToken = default);

    /// <summary>Adds outbox messages that belong to no state change (reminders).</summary>
    Task EnqueueAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Lists undelivered outbox messages, oldest first, due or not.</summary>
    Task<IReadOnlyList<OutboxMessage>> ListOutboxAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Records a failed try of an outbox message: the tries so far, when the next is due, and why it failed.</summary>
    Task RetryOutboxAsync(long seq, int attempts, DateTimeOffset dueAt, string error, CancellationToken cancellationToken = default);

    /// <summary>Marks an outbox message delivered or dead-lettered and appends its audit record, in one transaction.</summary>
    Task SettleOutboxAsync(long seq, int attempts, bool delivered, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces the identity with the same issuer and subject.</summary>
    Task RecordIdentityAsync(KnownIdentity identity, CancellationToken cancellationToken = default);

    /// <summary>Removes the identity, e.g. when its token no longer carries a verified e-mail address.</summary>
    Task ForgetIdentityAsync(string issuer, string subject, CancellationToken cancellationToken = default);

    /// <summary>Finds the identities recorded with <paramref name="email"/>, compared as <see cref="KnownIdentity.EmailKey"/>.</summary>
    Task<IReadOnlyList<KnownIdentity>> FindIdentitiesByEmailAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets what a notification channel remembers of the message it posted for an approval (e.g. Slack's channel and
    /// <c>ts</c>), so an outcome updates that message even after a restart; <see langword="null"/> when there is none.
    /// </summary>
    Task<string?> GetMessageReferenceAsync(string approvalId, string channel, CancellationToken cancellationToken = default);

    /// <summary>Stores, or with <see langword="null"/> removes, a channel's reference to the message of an approval.</summary>
    Task SetMessageReferenceAsync(string approvalId, string channel, string? reference, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<StoredSigningKey>> GetSigningKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a signing key and marks every other unretired key retired at its creation time.</summary>
    Task AddSigningKeyAsync(StoredSigningKey key, CancellationToken cancellationToken = default);

    /// <summary>Whether the store answers; for readiness.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken = default);
}
