using ActionGuard.Server.Audit;
using ActionGuard.Server.Store;

namespace ActionGuard.Server.Approvals;

/// <summary>
/// What a transition decided: the new state to store with its audit records (or nothing to store), and an error for the
/// caller. Both can be set: a decision that arrives after the TTL stores the expiry and refuses the decision.
/// </summary>
internal sealed class TransitionResult
{
    private static readonly IReadOnlyList<AuditEntry> NoAudit = [];
    private static readonly IReadOnlyList<OutboxMessage> NoOutbox = [];

    public ApprovalRecord? Updated { get; init; }

    public IReadOnlyList<AuditEntry> Audit { get; init; } = NoAudit;

    /// <summary>The notifications of the change, stored in the same transaction so a crash cannot lose them.</summary>
    public IReadOnlyList<OutboxMessage> Outbox { get; init; } = NoOutbox;

    public ApiProblem? Error { get; init; }

    /// <summary>The record after the transition (or as it was, when nothing changed).</summary>
    public required ApprovalRecord Current { get; init; }

    public static TransitionResult Unchanged(ApprovalRecord record, ApiProblem? error = null) => new() { Current = record, Error = error };

    public TransitionResult WithOutbox(IReadOnlyList<OutboxMessage> outbox) =>
        new() { Current = Current, Updated = Updated, Audit = Audit, Error = Error, Outbox = outbox };

    public static TransitionResult Changed(ApprovalRecord updated, IReadOnlyList<AuditEntry> audit, ApiProblem? error = null) =>
        new() { Current = updated, Updated = updated, Audit = audit, Error = error };
}
