using ActionGuard.Client;

namespace ActionGuard.Server.Approvals;

/// <summary>One outcome of a batch report (<c>POST /v1/outcomes</c>), as read from the request.</summary>
internal readonly record struct OutcomeItem(string ApprovalId, OutcomeStatus Status, string? Error);
