using Microsoft.Extensions.Logging;

namespace ActionGuard.Telemetry;

/// <summary>Log events of the guard. Event ids are stable: 1000–1099. Arguments are never logged.</summary>
internal static partial class GuardLog
{
    [LoggerMessage(EventId = 1000, EventName = "ApprovalRequested", Level = LogLevel.Information,
        Message = "Approval {ApprovalId} requested for {ActionKind} {ActionName}; status {Status}.")]
    public static partial void ApprovalRequested(ILogger logger, string approvalId, string actionKind, string actionName, ActionGuard.Client.ApprovalStatus status);

    [LoggerMessage(EventId = 1001, EventName = "ApprovalVerified", Level = LogLevel.Information,
        Message = "Approval {ApprovalId} for {ActionName} verified (approved by {Approvers}); running the action.")]
    public static partial void ApprovalVerified(ILogger logger, string approvalId, string actionName, IReadOnlyList<ApprovalParty> approvers);

    [LoggerMessage(EventId = 1002, EventName = "ActionDenied", Level = LogLevel.Warning,
        Message = "Approval {ApprovalId} for {ActionName} was denied by {DeniedBy}: {Reason}.")]
    public static partial void ActionDenied(ILogger logger, string approvalId, string actionName, string? deniedBy, string? reason);

    [LoggerMessage(EventId = 1003, EventName = "ApprovalTimedOut", Level = LogLevel.Warning,
        Message = "Approval {ApprovalId} for {ActionName} timed out (expired on backend: {ExpiredOnBackend}).")]
    public static partial void ApprovalTimedOut(ILogger logger, string? approvalId, string actionName, bool expiredOnBackend);

    [LoggerMessage(EventId = 1004, EventName = "VerificationFailed", Level = LogLevel.Error,
        Message = "Decision token of approval {ApprovalId} for {ActionName} failed the {Check} check; the action did not run.")]
    public static partial void VerificationFailed(ILogger logger, string approvalId, string actionName, VerificationCheck check);

    [LoggerMessage(EventId = 1005, EventName = "OutcomeReportFailed", Level = LogLevel.Warning,
        Message = "Could not report the outcome {Outcome} of approval {ApprovalId}.")]
    public static partial void OutcomeReportFailed(ILogger logger, Exception exception, string approvalId, ActionGuard.Client.OutcomeStatus outcome);

    [LoggerMessage(EventId = 1006, EventName = "CancelFailed", Level = LogLevel.Warning,
        Message = "Could not withdraw approval {ApprovalId} on the backend.")]
    public static partial void CancelFailed(ILogger logger, Exception exception, string approvalId);

    [LoggerMessage(EventId = 1007, EventName = "ActionCompleted", Level = LogLevel.Information,
        Message = "Approved action {ActionName} ({ApprovalId}) completed with outcome {Outcome}.")]
    public static partial void ActionCompleted(ILogger logger, string approvalId, string actionName, ActionGuard.Client.OutcomeStatus outcome);

    [LoggerMessage(EventId = 1008, EventName = "BackendFault", Level = LogLevel.Error,
        Message = "The approval backend failed for {ActionName} (approval {ApprovalId}); the action did not run.")]
    public static partial void BackendFault(ILogger logger, Exception exception, string? approvalId, string actionName);

    [LoggerMessage(EventId = 1009, EventName = "SigningKeysFetched", Level = LogLevel.Debug,
        Message = "Fetched {Count} decision-token signing keys from the backend.")]
    public static partial void SigningKeysFetched(ILogger logger, int count);

    [LoggerMessage(EventId = 1010, EventName = "LocalDenialNotRecorded", Level = LogLevel.Warning,
        Message = "The local policy denied {ActionName}; recording the denial on the backend failed.")]
    public static partial void LocalDenialNotRecorded(ILogger logger, Exception exception, string? actionName);

    [LoggerMessage(EventId = 1011, EventName = "ApprovalAdopted", Level = LogLevel.Information,
        Message = "Approval {ApprovalId} for {ActionName} was requested by an earlier run of this agent (status {Status}); waiting on it instead of asking again.")]
    public static partial void ApprovalAdopted(ILogger logger, string approvalId, string actionName, ActionGuard.Client.ApprovalStatus status);

    [LoggerMessage(EventId = 1012, EventName = "PendingStoreFailed", Level = LogLevel.Warning,
        Message = "The pending-approval store could not {Operation} (approval {ApprovalId}); the call goes on without it.")]
    public static partial void PendingStoreFailed(ILogger logger, Exception exception, string operation, string? approvalId);

    [LoggerMessage(EventId = 1013, EventName = "PendingEntryDiscarded", Level = LogLevel.Warning,
        Message = "A pending-approval entry (approval {ApprovalId}) for {ActionName} was discarded: {Reason}; the action asks anew.")]
    public static partial void PendingEntryDiscarded(ILogger logger, string approvalId, string actionName, string reason);

    [LoggerMessage(EventId = 1015, EventName = "BackendUnreachableWhileWaiting", Level = LogLevel.Warning,
        Message = "The approval backend cannot be reached while {ActionName} waits for approval {ApprovalId}; asking again for up to {Tolerance}. Nothing runs meanwhile.")]
    public static partial void BackendUnreachableWhileWaiting(ILogger logger, string approvalId, string actionName, TimeSpan tolerance);

    [LoggerMessage(EventId = 1014, EventName = "WaitingForApproval", Level = LogLevel.Information,
        Message = "Approval {ApprovalId} for {ActionKind} {ActionName} is waiting for a person; review it at {ReviewUrl}.")]
    public static partial void WaitingForApproval(ILogger logger, string approvalId, string actionKind, string actionName, string reviewUrl);

    [LoggerMessage(EventId = 1016, EventName = "OutcomeRefused", Level = LogLevel.Warning,
        Message = "The backend refused the outcome {Outcome} of approval {ApprovalId} ({ActionName}): {ProblemType} {Detail}")]
    public static partial void OutcomeRefused(ILogger logger, string approvalId, string actionName, ActionGuard.Client.OutcomeStatus outcome, string? problemType, string? detail);

    [LoggerMessage(EventId = 1017, EventName = "OutcomeReportsRetrying", Level = LogLevel.Warning,
        Message = "{Count} outcome reports could not be delivered; they are kept and sent again in {Delay}.")]
    public static partial void OutcomeReportsRetrying(ILogger logger, Exception exception, int count, TimeSpan delay);

    [LoggerMessage(EventId = 1018, EventName = "OutcomeNotReported", Level = LogLevel.Error,
        Message = "The outcome {Outcome} of approval {ApprovalId} ({ActionName}) was not acknowledged by the backend before shutdown; the backend shows the approval as executing.")]
    public static partial void OutcomeNotReported(ILogger logger, string approvalId, string actionName, ActionGuard.Client.OutcomeStatus outcome);
}
