namespace ActionGuard.Server.Audit;

/// <summary>The audit record types of the protocol.</summary>
internal static class AuditTypes
{
    public const string Requested = "requested";
    public const string AutoDecided = "auto_decided";
    public const string Decided = "decided";
    public const string Approved = "approved";
    public const string Denied = "denied";
    public const string Expired = "expired";
    public const string Cancelled = "cancelled";
    public const string Claimed = "claimed";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Notified = "notified";
    public const string NotificationFailed = "notification_failed";
}
