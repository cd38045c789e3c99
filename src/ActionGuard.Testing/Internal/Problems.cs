using System.Net;
using ActionGuard.Client;

namespace ActionGuard.Testing.Internal;

// Refusals of this backend's own test helpers, which a server never makes; the protocol's refusals come from the
// server's approval service and reach tests through the SDK's mapping of problem responses.
internal static class Problems
{
    private static readonly ProtocolProblem NotExpirableProblem = new("not-expirable", HttpStatusCode.Conflict, "Approval cannot expire");

    public static ApprovalRequestRejectedException NotExpirable(string approvalId, ApprovalStatus status) =>
        new($"{(int)NotExpirableProblem.Status} {NotExpirableProblem.Title}: Approval '{approvalId}' is {status}; only pending or approved approvals expire.", NotExpirableProblem.Status, NotExpirableProblem.Type)
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
}
