using ActionGuard.Server.Approvals;

namespace ActionGuard.Server.Store;

/// <summary>The result of <see cref="IApprovalStore.CreateAsync"/>.</summary>
/// <param name="Record">The new record, or the one created earlier with the same idempotency key.</param>
/// <param name="Created">Whether <paramref name="Record"/> was inserted by this call.</param>
internal readonly record struct CreateOutcome(ApprovalRecord Record, bool Created);
