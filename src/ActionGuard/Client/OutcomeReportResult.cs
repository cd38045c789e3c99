using System.Text.Json.Serialization;

namespace ActionGuard.Client;

/// <summary>
/// The backend's answer for one item of <c>POST /v1/outcomes</c>: the approval's status once the outcome is recorded,
/// or the problem that refused it — what <c>POST /v1/approvals/{id}/outcome</c> would have answered for it alone.
/// </summary>
public sealed class OutcomeReportResult
{
    /// <summary>Gets the approval the item was about.</summary>
    public required string ApprovalId { get; init; }

    /// <summary>Gets the approval's status after the report, or <see langword="null"/> when the item was refused.</summary>
    public ApprovalStatus? Status { get; init; }

    /// <summary>Gets the problem type URI when the item was refused (not found, not this agent's, not claimed).</summary>
    [JsonIgnore]
    public string? ProblemType => Problem?.Type;

    /// <summary>Gets the problem's human-readable detail when the item was refused.</summary>
    [JsonIgnore]
    public string? ProblemDetail => Problem?.Detail;

    [JsonInclude]
    internal ApprovalProblem? Problem { get; init; }
}
