namespace ActionGuard.Server.Store;

/// <summary>
/// What notification channels remember of the messages they posted, so outcomes update them after a restart.
/// Every store (SQLite, PostgreSQL) implements all of the store interfaces over one database, so a change and its
/// audit records and outbox messages commit in one transaction.
/// </summary>
internal interface IMessageReferenceStore
{
    /// <summary>
    /// Gets what a notification channel remembers of the message it posted for an approval (e.g. Slack's channel and
    /// <c>ts</c>), so an outcome updates that message even after a restart; <see langword="null"/> when there is none.
    /// </summary>
    Task<string?> GetMessageReferenceAsync(string approvalId, string channel, CancellationToken cancellationToken = default);

    /// <summary>Stores, or with <see langword="null"/> removes, a channel's reference to the message of an approval.</summary>
    Task SetMessageReferenceAsync(string approvalId, string channel, string? reference, CancellationToken cancellationToken = default);
}
