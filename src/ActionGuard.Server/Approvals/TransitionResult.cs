using ActionGuard.Server.Audit;

namespace ActionGuard.Server.Approvals;

/// <summary>
/// What a transition decided: the new state to store with its audit records (or nothing to store), and an error for the
/// caller. Both can be set: a decision that arrives after the TTL stores the expiry and refuses the decision.
/// </summary>
internal sealed class TransitionResult
{
    private static readonly IReadOnlyList<AuditEntry> NoAudit = [];

    public ApprovalRecord? Updated { get; init; }

    public IReadOnlyList<AuditEntry> Audit { get; init; } = NoAudit;

    public ApiProblem? Error { get; init; }

    /// <summary>The record after the transition (or as it was, when nothing changed).</summary>
    public required ApprovalRecord Current { get; init; }

    public static TransitionResult Unchanged(ApprovalRecord record, ApiProblem? error = null) => new() { Current = record, Error = error };

    public static TransitionResult Changed(ApprovalRecord updated, IReadOnlyList<AuditEntry> audit, ApiProblem? error = null) =>
        new() { Current = updated, Updated = updated, Audit = audit, Error = error };
}
