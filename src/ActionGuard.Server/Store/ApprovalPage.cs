using ActionGuard.Server.Approvals;

namespace ActionGuard.Server.Store;

/// <summary>One page of a listing, newest first.</summary>
internal sealed record ApprovalPage(IReadOnlyList<ApprovalRecord> Items, string? NextCursor);
