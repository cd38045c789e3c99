using Microsoft.Extensions.Logging;

namespace ActionGuard.Client;

internal static partial class ClientLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "Retrying {Method} {Path} in {Delay} after attempt {Attempt} failed: {Reason}")]
    public static partial void RetryingRequest(ILogger logger, string method, string path, TimeSpan delay, int attempt, string reason);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "The approval backend circuit opened for {BreakDuration} after repeated failures: {Reason}")]
    public static partial void CircuitOpened(ILogger logger, TimeSpan breakDuration, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "The approval backend circuit closed")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "The approval backend circuit is half-open; probing with the next request")]
    public static partial void CircuitHalfOpened(ILogger logger);
}
