using ActionGuard.Server.Approvals;

namespace ActionGuard.Server.Store;

/// <summary>
/// One notification for one channel in the outbox: written with the change it reports (or right after, for
/// reminders) and kept until it is delivered or dead-lettered, so a restart resumes it.
/// </summary>
/// <param name="EventId">The event id (<c>evt_…</c>), the same for every channel and every try.</param>
/// <param name="Type">The event type, e.g. <c>approval.requested</c>.</param>
/// <param name="At">When the event happened; a new message is due then.</param>
/// <param name="Channel">The channel's name (<c>webhook:0</c>, <c>slack</c>, <c>teams</c>); never a URL.</param>
/// <param name="Approval">The approval as committed with the event, so a late delivery still says what happened then.</param>
/// <param name="ReviewUrl">The approver web page of the approval, if any.</param>
internal sealed record OutboxMessage(string EventId, string Type, DateTimeOffset At, string Channel, ApprovalRecord Approval, Uri? ReviewUrl)
{
    /// <summary>Gets the store's sequence number; zero until stored.</summary>
    public long Seq { get; init; }

    /// <summary>Gets how many tries have failed so far.</summary>
    public int Attempts { get; init; }

    /// <summary>Gets when the next try is due.</summary>
    public DateTimeOffset DueAt { get; init; }
}
