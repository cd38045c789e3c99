using ActionGuard.Server.Audit;

namespace ActionGuard.Server.Store;

/// <summary>
/// The notification outbox: messages written with the change they announce, delivered and settled by the notifier.
/// Every store (SQLite, PostgreSQL) implements all of the store interfaces over one database, so a change and its
/// audit records and outbox messages commit in one transaction.
/// </summary>
internal interface IOutboxStore
{
    /// <summary>Adds outbox messages that belong to no state change (reminders).</summary>
    Task EnqueueAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Lists undelivered outbox messages, oldest first, due or not.</summary>
    Task<IReadOnlyList<OutboxMessage>> ListOutboxAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Records a failed try of an outbox message: the tries so far, when the next is due, and why it failed.</summary>
    Task RetryOutboxAsync(long seq, int attempts, DateTimeOffset dueAt, string error, CancellationToken cancellationToken = default);

    /// <summary>Marks an outbox message delivered or dead-lettered and appends its audit record, in one transaction.</summary>
    Task SettleOutboxAsync(long seq, int attempts, bool delivered, AuditEntry audit, CancellationToken cancellationToken = default);
}
