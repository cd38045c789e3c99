using ActionGuard.Client;

namespace ActionGuard.Server.Notifications;

/// <summary>The event types: <c>approval.requested</c>, <c>approval.reminder</c> and one per outcome status.</summary>
internal static class NotificationEventTypes
{
    public const string Requested = "approval.requested";
    public const string Reminder = "approval.reminder";

    /// <summary>Gets the event of a status an approval reached; <see langword="null"/> for states nobody is told about.</summary>
    public static string? ForStatus(ApprovalStatus status) => status switch
    {
        ApprovalStatus.Approved => "approval.approved",
        ApprovalStatus.Denied => "approval.denied",
        ApprovalStatus.Expired => "approval.expired",
        ApprovalStatus.Cancelled => "approval.cancelled",
        ApprovalStatus.Succeeded => "approval.succeeded",
        ApprovalStatus.Failed => "approval.failed",
        _ => null,
    };

    public static string StatusName(ApprovalStatus status) => status switch
    {
        ApprovalStatus.Pending => "pending",
        ApprovalStatus.Approved => "approved",
        ApprovalStatus.Denied => "denied",
        ApprovalStatus.Expired => "expired",
        ApprovalStatus.Cancelled => "cancelled",
        ApprovalStatus.Executing => "executing",
        ApprovalStatus.Succeeded => "succeeded",
        ApprovalStatus.Failed => "failed",
        _ => "unknown",
    };
}
