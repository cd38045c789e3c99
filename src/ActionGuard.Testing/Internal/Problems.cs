using System.Net;

namespace ActionGuard.Testing.Internal;

// The refusals a real backend answers with application/problem+json, as the SDK's client surfaces them.
internal static class Problems
{
    public const string TypeBase = "https://actionguard.dev/problems/";

    public static ApprovalRequestRejectedException NotFound(string approvalId) =>
        Rejected(HttpStatusCode.NotFound, "approval-not-found", "Approval not found", $"There is no approval '{approvalId}'.", approvalId);

    public static ApprovalRequestRejectedException NotOwner(string approvalId) =>
        Rejected(HttpStatusCode.Forbidden, "not-owner", "Not the owning agent", $"Approval '{approvalId}' belongs to another agent.", approvalId);

    public static ApprovalRequestRejectedException SelfApproval(string approvalId, string detail) =>
        Rejected(HttpStatusCode.Forbidden, "self-approval", "Self-approval is not allowed", detail, approvalId);

    public static ApprovalRequestRejectedException ReservedIdentity(string approvalId) =>
        Rejected(HttpStatusCode.Forbidden, "reserved-identity", "Reserved identity", "Subjects starting with 'policy:' are reserved for policy decisions.", approvalId);

    public static ApprovalRequestRejectedException DuplicateDecision(string approvalId, ApprovalParty approver) =>
        Rejected(HttpStatusCode.Conflict, "duplicate-decision", "Already decided", $"{approver} has already decided on approval '{approvalId}'.", approvalId);

    public static ApprovalRequestRejectedException NotPending(string approvalId, Client.ApprovalStatus status) =>
        Rejected(HttpStatusCode.Conflict, "not-pending", "Approval is not pending", $"Approval '{approvalId}' is {status}.", approvalId);

    public static ApprovalRequestRejectedException NotApproved(string approvalId, Client.ApprovalStatus status) =>
        Rejected(HttpStatusCode.Conflict, "not-approved", "Approval is not approved", $"Approval '{approvalId}' is {status}; only an approved approval can be claimed.", approvalId);

    public static ApprovalRequestRejectedException AlreadyClaimed(string approvalId) =>
        Rejected(HttpStatusCode.Conflict, "already-claimed", "Approval already claimed", $"Approval '{approvalId}' has already been claimed.", approvalId);

    public static ApprovalRequestRejectedException NotExecuting(string approvalId, Client.ApprovalStatus status) =>
        Rejected(HttpStatusCode.Conflict, "not-executing", "Approval is not executing", $"Approval '{approvalId}' is {status}; an outcome can only be reported for a claimed approval.", approvalId);

    public static ApprovalRequestRejectedException NotExpirable(string approvalId, Client.ApprovalStatus status) =>
        Rejected(HttpStatusCode.Conflict, "not-expirable", "Approval cannot expire", $"Approval '{approvalId}' is {status}; only pending or approved approvals expire.", approvalId);

    public static ApprovalRequestRejectedException IdempotencyConflict(string idempotencyKey) =>
        Rejected(HttpStatusCode.Conflict, "idempotency-conflict", "Idempotency key reused", $"Idempotency key '{idempotencyKey}' was already used with another body.", approvalId: null);

    public static ApprovalRequestRejectedException Validation(string field, string message, string? approvalId = null) =>
        new(
            $"400 Validation failed: {field}: {message}",
            HttpStatusCode.BadRequest,
            TypeBase + "validation",
            new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] })
        {
            ApprovalId = approvalId,
        };

    public static ActionGuardException ScriptedFailure(string approvalId, HttpStatusCode status)
    {
        var message = $"{(int)status} Scripted failure for approval '{approvalId}'.";
        return (int)status >= 500
            ? new ApprovalBackendUnavailableException(message, status) { ApprovalId = approvalId }
            : new ApprovalRequestRejectedException(message, status, TypeBase + "scripted-failure") { ApprovalId = approvalId };
    }

    public static ApprovalBackendUnavailableException Disposed() =>
        new("The in-memory approval backend has been disposed.", statusCode: null);

    private static ApprovalRequestRejectedException Rejected(HttpStatusCode status, string name, string title, string detail, string? approvalId) =>
        new($"{(int)status} {title}: {detail}", status, TypeBase + name) { ApprovalId = approvalId };
}
