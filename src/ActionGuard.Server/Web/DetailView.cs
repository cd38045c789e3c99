using ActionGuard.Server.Approvals;
using ActionGuard.Server.Audit;
using ActionGuard.Server.Identity;

namespace ActionGuard.Server.Web;

/// <summary>What the detail view shows: the request, its audit trail, and the outcome of a decision just tried.</summary>
internal sealed class DetailView
{
    public required ApprovalRecord Record { get; init; }

    public required IReadOnlyList<AuditRecord> Audit { get; init; }

    public required Caller Caller { get; init; }

    public required string AntiforgeryToken { get; init; }

    public required int MaxReasonLength { get; init; }

    /// <summary>Why the request may be orphaned (its agent stopped asking about it), or <see langword="null"/>.</summary>
    public string? AgentGone { get; init; }

    /// <summary>A confirmation after a decision was recorded.</summary>
    public string? Notice { get; init; }

    /// <summary>Why the decision was refused; nothing changed.</summary>
    public ApiProblem? Problem { get; init; }

    /// <summary>What is wrong with the reason field, shown next to it.</summary>
    public string? ReasonError { get; init; }

    /// <summary>The reason as typed, kept when the form comes back with an error.</summary>
    public string? Reason { get; init; }
}
