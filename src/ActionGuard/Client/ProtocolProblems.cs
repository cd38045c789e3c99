using System.Net;

namespace ActionGuard.Client;

/// <summary>The protocol's problem catalog, defined once for the server, the in-memory backend and the SDK.</summary>
internal static class ProtocolProblems
{
    public const string TypeBase = "https://actionguard.dev/problems/";

    public static readonly ProtocolProblem Validation = new("validation", HttpStatusCode.BadRequest, "The request is not valid");
    public static readonly ProtocolProblem Unauthorized = new("unauthorized", HttpStatusCode.Unauthorized, "Authentication required");
    public static readonly ProtocolProblem ForbiddenRole = new("forbidden-role", HttpStatusCode.Forbidden, "Not allowed for this caller");
    public static readonly ProtocolProblem NotOwner = new("not-owner", HttpStatusCode.Forbidden, "Not the owning agent");
    public static readonly ProtocolProblem SelfApproval = new("self-approval", HttpStatusCode.Forbidden, "Self-approval is not allowed");
    public static readonly ProtocolProblem ReservedIdentity = new("reserved-identity", HttpStatusCode.Forbidden, "Reserved identity");
    public static readonly ProtocolProblem NotInApproverGroup = new("not-in-approver-group", HttpStatusCode.Forbidden, "Not an approver for this request");
    public static readonly ProtocolProblem NotFound = new("approval-not-found", HttpStatusCode.NotFound, "Approval not found");
    public static readonly ProtocolProblem IdempotencyConflict = new("idempotency-conflict", HttpStatusCode.Conflict, "Idempotency key reused");
    public static readonly ProtocolProblem NotPending = new("not-pending", HttpStatusCode.Conflict, "Approval is not pending");
    public static readonly ProtocolProblem DuplicateDecision = new("duplicate-decision", HttpStatusCode.Conflict, "Already decided");
    public static readonly ProtocolProblem NotApproved = new("not-approved", HttpStatusCode.Conflict, "Approval is not approved");
    public static readonly ProtocolProblem AlreadyClaimed = new("already-claimed", HttpStatusCode.Conflict, "Approval already claimed");
    public static readonly ProtocolProblem NotExecuting = new("not-executing", HttpStatusCode.Conflict, "Approval is not executing");
    public static readonly ProtocolProblem BodyTooLarge = new("body-too-large", HttpStatusCode.RequestEntityTooLarge, "Request body too large");
    public static readonly ProtocolProblem RateLimited = new("rate-limited", HttpStatusCode.TooManyRequests, "Too many requests");
    public static readonly ProtocolProblem Internal = new("internal", HttpStatusCode.InternalServerError, "Internal error");
}
