using System.Text.Json;
using ActionGuard.Client;

namespace ActionGuard.Server.Approvals;

/// <summary>An approval as the backend stores it: the protocol resource plus what only the backend needs.</summary>
internal sealed record ApprovalRecord
{
    public required string Id { get; init; }

    public required ApprovalStatus Status { get; init; }

    public required ApprovalAction Action { get; init; }

    public required string AgentId { get; init; }

    /// <summary>The initiator without its token: the token proved the identity at creation and is not kept.</summary>
    public ApprovalParty? Initiator { get; init; }

    public IReadOnlyDictionary<string, JsonElement> Arguments { get; init; } = new Dictionary<string, JsonElement>();

    public IReadOnlyDictionary<string, long> DataClasses { get; init; } = new Dictionary<string, long>();

    /// <summary>A few masked values per data class, as the agent's SDK masked them; empty when none were sent.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DataSamples { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public string? Justification { get; init; }

    public required string ActionHash { get; init; }

    public required ApprovalPolicy Policy { get; init; }

    public IReadOnlyList<ApprovalDecision> Decisions { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When a pending request expires, or, once approved, when the claim window closes.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    public required string IdempotencyKey { get; init; }

    /// <summary>SHA-256 of the canonical create body: the same key with another body is a conflict.</summary>
    public required string RequestHash { get; init; }

    /// <summary>The <c>jti</c> of the decision token issued by the claim.</summary>
    public string? TokenId { get; init; }

    public DateTimeOffset? ClaimedAt { get; init; }

    public string? OutcomeError { get; init; }

    public Approval ToApproval(string? reviewUrlBase, string? decisionToken = null) => new()
    {
        Id = Id,
        Status = Status,
        Action = Action,
        AgentId = AgentId,
        Initiator = Initiator,
        Arguments = Arguments,
        DataClasses = DataClasses,
        DataSamples = DataSamples.Count == 0 ? null : DataSamples,
        Justification = Justification,
        ActionHash = ActionHash,
        Policy = Policy,
        Decisions = Decisions,
        CreatedAt = CreatedAt,
        ExpiresAt = ExpiresAt,
        ReviewUrl = reviewUrlBase is null ? null : new Uri(reviewUrlBase.TrimEnd('/') + "/" + Uri.EscapeDataString(Id)),
        DecisionToken = decisionToken,
    };

    public static bool IsFinal(ApprovalStatus status) =>
        status is ApprovalStatus.Denied or ApprovalStatus.Expired or ApprovalStatus.Cancelled or ApprovalStatus.Succeeded or ApprovalStatus.Failed;
}
