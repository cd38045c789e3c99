using ActionGuard.Server.Notifications.Webhooks;

namespace ActionGuard.Server;

/// <summary>
/// Where signed checkpoints of the audit log go (<c>ActionGuard:Audit</c>), so they live outside the database: whoever
/// can write the database can rewrite the log and its hash chain, but not a checkpoint already in a file or another
/// system. <c>actionguard audit verify --checkpoint</c> then proves the log still extends it.
/// </summary>
public sealed class AuditOptions
{
    /// <summary>
    /// Gets or sets how often a checkpoint is exported when the log has grown; one is also exported when the server
    /// stops. Default 1 hour.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets a file each checkpoint is appended to as one JSON line (relative paths are under the content root).
    /// Put it on storage the database's administrators cannot rewrite, or ship it elsewhere. Default none.
    /// </summary>
    public string? CheckpointFile { get; set; }

    /// <summary>
    /// Gets the webhook each checkpoint is POSTed to (<c>audit.checkpoint</c> event, signed like notification
    /// webhooks). Default none.
    /// </summary>
    public WebhookSubscriberOptions CheckpointWebhook { get; } = new();
}
