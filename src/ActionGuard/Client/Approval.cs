using System.Text.Json;

namespace ActionGuard.Client;

/// <summary>An approval resource as the backend returns it.</summary>
public sealed class Approval
{
    /// <summary>Gets the approval id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the status.</summary>
    public required ApprovalStatus Status { get; init; }

    /// <summary>Gets what the approval is for.</summary>
    public required ApprovalAction Action { get; init; }

    /// <summary>Gets the agent that created the request.</summary>
    public string? AgentId { get; init; }

    /// <summary>Gets the person on whose behalf the agent acts.</summary>
    public ApprovalParty? Initiator { get; init; }

    /// <summary>Gets the redacted arguments.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Arguments { get; init; }

    /// <summary>Gets the classes of data the action carries, with counts.</summary>
    public IReadOnlyDictionary<string, long>? DataClasses { get; init; }

    /// <summary>Gets the masked sample values per data class the agent sent, or <see langword="null"/> for none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? DataSamples { get; init; }

    /// <summary>Gets the justification shown to approvers.</summary>
    public string? Justification { get; init; }

    /// <summary>Gets the action hash sent at creation.</summary>
    public string? ActionHash { get; init; }

    /// <summary>Gets the policy applied.</summary>
    public ApprovalPolicy? Policy { get; init; }

    /// <summary>Gets the decisions so far.</summary>
    public IReadOnlyList<ApprovalDecision> Decisions { get; init; } = [];

    /// <summary>Gets when the request was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the request expires if undecided.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets where a person reviews the request.</summary>
    public Uri? ReviewUrl { get; init; }

    /// <summary>
    /// Gets the signed decision token, only in the reply to a create that asked for
    /// <see cref="CreateApprovalRequest.ClaimIfAllowed"/> and that policy allowed: the approval is then already claimed
    /// (<see cref="ApprovalStatus.Executing"/>) for this agent.
    /// </summary>
    public string? DecisionToken { get; init; }
}
