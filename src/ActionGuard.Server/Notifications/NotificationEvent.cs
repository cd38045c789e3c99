using ActionGuard.Server.Approvals;

namespace ActionGuard.Server.Notifications;

/// <summary>Something people should hear about an approval, as queued for each channel.</summary>
/// <param name="Id">A unique id (<c>evt_…</c>); receivers use it to drop duplicates after a retry.</param>
/// <param name="Type">One of <see cref="NotificationEventTypes"/>.</param>
/// <param name="At">When the event happened.</param>
/// <param name="Approval">The approval as committed.</param>
/// <param name="ReviewUrl">The approver web page of the approval, when <c>ReviewUrlBase</c> is set.</param>
internal sealed record NotificationEvent(string Id, string Type, DateTimeOffset At, ApprovalRecord Approval, Uri? ReviewUrl);
