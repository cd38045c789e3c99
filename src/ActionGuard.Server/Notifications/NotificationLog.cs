using Microsoft.Extensions.Logging;

namespace ActionGuard.Server.Notifications;

/// <summary>Log events of the notifier; never URLs, secrets, tokens or argument values.</summary>
internal static partial class NotificationLog
{
    [LoggerMessage(101, LogLevel.Warning, "Notification {Type} of approval {ApprovalId} to {Channel} failed on try {Attempt} ({Error}); retrying")]
    public static partial void Retrying(ILogger logger, string type, string approvalId, string channel, int attempt, string error);

    [LoggerMessage(102, LogLevel.Error, "Notification {Type} of approval {ApprovalId} to {Channel} failed after {Attempt} tries ({Error}); dead-lettered")]
    public static partial void DeadLettered(ILogger logger, string type, string approvalId, string channel, int attempt, string error);

    [LoggerMessage(103, LogLevel.Warning, "Reminder of approval {ApprovalId} could not be sent")]
    public static partial void ReminderFailed(ILogger logger, Exception exception, string approvalId);

    [LoggerMessage(104, LogLevel.Error, "The audit record of a notification of approval {ApprovalId} to {Channel} could not be written")]
    public static partial void AuditFailed(ILogger logger, Exception exception, string approvalId, string channel);

    [LoggerMessage(105, LogLevel.Warning, "A Slack ephemeral reply in channel {Channel} could not be posted")]
    public static partial void EphemeralFailed(ILogger logger, string channel);

    [LoggerMessage(106, LogLevel.Error, "The notification outbox could not be read or updated; trying again shortly")]
    public static partial void OutboxFailed(ILogger logger, Exception exception);

    [LoggerMessage(107, LogLevel.Warning, "The identity {Subject} at {Issuer} could not be recorded for Slack e-mail mapping")]
    public static partial void IdentityNotRecorded(ILogger logger, Exception exception, string subject, string issuer);

    [LoggerMessage(108, LogLevel.Information, "Slack user {SlackUserId} decides as {Subject} at {Issuer} (mapped by verified e-mail)")]
    public static partial void SlackUserMapped(ILogger logger, string slackUserId, string subject, string issuer);

    [LoggerMessage(109, LogLevel.Warning, "Slack user {SlackUserId} could not be mapped by e-mail: {Reason}")]
    public static partial void SlackUserNotMapped(ILogger logger, string slackUserId, string reason);

    [LoggerMessage(110, LogLevel.Debug, "Notification HTTP {Method} to {Origin} answered {Status} in {ElapsedMs} ms")]
    public static partial void HttpCompleted(ILogger logger, string method, string origin, int status, string elapsedMs);

    [LoggerMessage(111, LogLevel.Debug, "Notification HTTP {Method} to {Origin} failed with {Error} after {ElapsedMs} ms")]
    public static partial void HttpFailed(ILogger logger, string method, string origin, string error, string elapsedMs);
}
