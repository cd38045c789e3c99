using System.Net;
using System.Text.Json.Nodes;
using ActionGuard.Client;

namespace ActionGuard.Testing.Internal;

// The mutable record of one approval; every member is read and written under the backend's gate.
internal sealed class ApprovalState
{
    public required string Id { get; init; }

    public required string AgentId { get; init; }

    public required string IdempotencyKey { get; init; }

    public required CreateApprovalRequest Request { get; init; }

    public required JsonNode? Body { get; init; }

    /// <summary>The digest of the request as the agent sent it; signed into the decision token as <c>ag_request</c>.</summary>
    public required string RequestDigest { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public ApprovalStatus Status { get; set; } = ApprovalStatus.Pending;

    public List<ApprovalDecision> Decisions { get; } = [];

    public ApprovalPolicy Policy { get; set; } = new();

    // The TTL while pending, the end of the claim window once approved.
    public DateTimeOffset ExpiresAt { get; set; }

    public HttpStatusCode? FailStatus { get; set; }

    public ITimer? ExpiryTimer { get; set; }

    public List<ITimer> ScriptTimers { get; } = [];

    public long Version { get; set; }

    // Replaced on every change, so waiters park on a task instead of polling.
    public TaskCompletionSource Changed { get; set; } = NewSignal();

    public static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void DisposeTimers()
    {
        ExpiryTimer?.Dispose();
        ExpiryTimer = null;
        foreach (var timer in ScriptTimers)
        {
            timer.Dispose();
        }

        ScriptTimers.Clear();
    }
}
