using ActionGuard.Client;
using Microsoft.Extensions.Logging;

namespace ActionGuard.Server;

/// <summary>Structured log events. Argument values, tokens and API keys are never logged.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Information, "Approval {ApprovalId} requested by agent {AgentId}: {Kind} {Name}, rule {Rule}, status {Status}")]
    public static partial void Created(ILogger logger, string approvalId, string agentId, string kind, string name, string? rule, ApprovalStatus status);

    [LoggerMessage(2, LogLevel.Information, "Approval {ApprovalId} is now {Status}")]
    public static partial void Transitioned(ILogger logger, string approvalId, ApprovalStatus status);

    [LoggerMessage(3, LogLevel.Warning, "Expiring approval {ApprovalId} failed; the next read expires it")]
    public static partial void ExpiryFailed(ILogger logger, Exception exception, string approvalId);

    [LoggerMessage(4, LogLevel.Information, "Store ready: {Store}; {Pending} approvals can still expire")]
    public static partial void StoreReady(ILogger logger, string store, int pending);

    [LoggerMessage(5, LogLevel.Warning, "Refused {Method} {Path}: {Status} {Type}")]
    public static partial void Refused(ILogger logger, string method, string path, int status, string type);

    [LoggerMessage(6, LogLevel.Error, "Unhandled error in {Method} {Path}")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(8, LogLevel.Information, "Exported an audit checkpoint of {Size} records (root {Root})")]
    public static partial void CheckpointExported(ILogger logger, long size, string root);

    [LoggerMessage(9, LogLevel.Warning, "Exporting an audit checkpoint failed; the next export covers the same records")]
    public static partial void CheckpointExportFailed(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "Re-reading the signing keys from the store failed; the keys already loaded stay in use")]
    public static partial void SigningKeysRefreshFailed(ILogger logger, Exception exception);
}
