using ActionGuard.Client;
using System.Net;

namespace ActionGuard.Testing.Internal;

// The refusals a real backend answers with application/problem+json, as the SDK's client surfaces them.
internal static class Problems
{
    // Only this backend's Expire helper can be refused this way; it is not a refusal of the protocol.
    private static readonly ProtocolProblem NotExpirableProblem = new("not-expirable", HttpStatusCode.Conflict, "Approval cannot expire");

    public static ApprovalRequestRejectedException NotFound(string approvalId) =>
        Rejected(ProtocolProblems.NotFound, $"There is no approval '{approvalId}'.", approvalId);

    public static ApprovalRequestRejectedException NotOwner(string approvalId) =>
        Rejected(ProtocolProblems.NotOwner, $"Approval '{approvalId}' belongs to another agent.", approvalId);

    public static ApprovalRequestRejectedException SelfApproval(string approvalId, string detail) =>
        Rejected(ProtocolProblems.SelfApproval, detail, approvalId);

    public static ApprovalRequestRejectedException ReservedIdentity(string approvalId) =>
        Rejected(ProtocolProblems.ReservedIdentity, "Subjects starting with 'policy:' are reserved for policy decisions.", approvalId);

    public static ApprovalRequestRejectedException DuplicateDecision(string approvalId, ApprovalParty approver) =>
        Rejected(ProtocolProblems.DuplicateDecision, $"{approver} has already decided on approval '{approvalId}'.", approvalId);

    public static ApprovalRequestRejectedException NotPending(string approvalId, Client.ApprovalStatus status) =>
        Rejected(ProtocolProblems.NotPending, $"Approval '{approvalId}' is {status}.", approvalId);

    public static ApprovalRequestRejectedException NotApproved(string approvalId, Client.ApprovalStatus status) =>
        Rejected(ProtocolProblems.NotApproved, $"Approval '{approvalId}' is {status}; only an approved approval can be claimed.", approvalId);

    public static ApprovalRequestRejectedException AlreadyClaimed(string approvalId) =>
        Rejected(ProtocolProblems.AlreadyClaimed, $"Approval '{approvalId}' has already been claimed.", approvalId);

    public static ApprovalRequestRejectedException NotExecuting(string approvalId, Client.ApprovalStatus status) =>
        Rejected(ProtocolProblems.NotExecuting, $"Approval '{approvalId}' is {status}; an outcome can only be reported for a claimed approval.", approvalId);

    public static ApprovalRequestRejectedException NotExpirable(string approvalId, Client.ApprovalStatus status) =>
        Rejected(NotExpirableProblem, $"Approval '{approvalId}' is {status}; only pending or approved approvals expire.", approvalId);

    public static ApprovalRequestRejectedException IdempotencyConflict(string idempotencyKey) =>
        Rejected(ProtocolProblems.IdempotencyConflict, $"Idempotency key '{idempotencyKey}' was already used with another body.", approvalId: null);

    public static ApprovalRequestRejectedException Validation(string field, string message, string? approvalId = null) =>
        new(
            $"400 Validation failed: {field}: {message}",
            HttpStatusCode.BadRequest,
            ProtocolProblems.Validation.Type,
            new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] })
        {
            ApprovalId = approvalId,
        };

    public static ActionGuardException ScriptedFailure(string approvalId, HttpStatusCode status)
    {
        var message = $"{(int)status} Scripted failure for approval '{approvalId}'.";
        return (int)status >= 500
            ? new ApprovalBackendUnavailableException(message, status) { ApprovalId = approvalId }
            : new ApprovalRequestRejectedException(message, status, ProtocolProblems.TypeBase + "scripted-failure") { ApprovalId = approvalId };
    }

    public static ApprovalBackendUnavailableException Disposed() =>
        new("The in-memory approval backend has been disposed.", statusCode: null);

    private static ApprovalRequestRejectedException Rejected(ProtocolProblem kind, string detail, string? approvalId) =>
        new($"{(int)kind.Status} {kind.Title}: {detail}", kind.Status, kind.Type) { ApprovalId = approvalId };
}
