using System.Collections.ObjectModel;
using System.Text.Json;

namespace ActionGuard.Client;

/// <summary>The body of <c>POST /v1/approvals</c>.</summary>
public sealed class CreateApprovalRequest
{
    /// <summary>Gets what the approval is for.</summary>
    public required ApprovalAction Action { get; init; }

    /// <summary>Gets the person on whose behalf the agent acts.</summary>
    public ApprovalParty? Initiator { get; init; }

    /// <summary>Gets the arguments, already redacted: they leave the process.</summary>
    // The defaults are shared empty read-only maps: a request is built on every guarded call, and the guard always
    // sets both, so a fresh dictionary per request would only be garbage.
    public IReadOnlyDictionary<string, JsonElement> Arguments { get; init; } = ReadOnlyDictionary<string, JsonElement>.Empty;

    /// <summary>Gets the classes of data the action carries, with counts.</summary>
    public IReadOnlyDictionary<string, long> DataClasses { get; init; } = ReadOnlyDictionary<string, long>.Empty;

    /// <summary>
    /// Gets a few masked sample values per data class of the action's payload (<c>email: ["j***@example.com"]</c>),
    /// or <see langword="null"/> for none. An optional field: servers that do not know it ignore it.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? DataSamples { get; init; }

    /// <summary>Gets the justification shown to approvers.</summary>
    public string? Justification { get; init; }

    /// <summary>Gets the action hash: <c>sha256:</c> and the hex SHA-256 of the canonical action, full arguments and nonce.</summary>
    public required string ActionHash { get; init; }

    /// <summary>
    /// Gets whether the backend should claim the approval in the same request when policy allows the action at
    /// creation, returning the decision token in <see cref="Approval.DecisionToken"/> (one round trip instead of three).
    /// <see langword="null"/> (omitted) means no.
    /// </summary>
    public bool? ClaimIfAllowed { get; init; }
}
