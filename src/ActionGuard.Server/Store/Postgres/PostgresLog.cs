using Microsoft.Extensions.Logging;

namespace ActionGuard.Server.Store.Postgres;

/// <summary>Log events of the PostgreSQL store. The connection string is never logged: it may hold a password.</summary>
internal static partial class PostgresLog
{
    [LoggerMessage(EventId = 2400, EventName = "PostgresListenFailed", Level = LogLevel.Warning,
        Message = "Listening for changes made by other instances failed; trying again in {RetryIn}. Until then, waiters here see those changes at their long-poll timeout")]
    public static partial void ListenFailed(ILogger logger, Exception exception, TimeSpan retryIn);

    [LoggerMessage(EventId = 2401, EventName = "PostgresListenResumed", Level = LogLevel.Information,
        Message = "Listening for changes made by other instances again; every waiter reads its approval again")]
    public static partial void ListenResumed(ILogger logger);
}
