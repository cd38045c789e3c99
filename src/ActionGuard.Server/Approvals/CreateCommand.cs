using System.Text.Json;
using ActionGuard.Client;

namespace ActionGuard.Server.Approvals;

/// <summary>A validated create body.</summary>
internal sealed record CreateCommand(
    ApprovalAction Action,
    ApprovalParty? Initiator,
    string? InitiatorToken,
    IReadOnlyDictionary<string, JsonElement> Arguments,
    IReadOnlyDictionary<string, long> DataClasses,
    IReadOnlyDictionary<string, IReadOnlyList<string>> DataSamples,
    string? Justification,
    string ActionHash,
    string RequestHash)
{
    /// <summary>Gets whether the agent asked for the claim in the same request when policy allows at creation.</summary>
    public bool ClaimIfAllowed { get; init; }
}
