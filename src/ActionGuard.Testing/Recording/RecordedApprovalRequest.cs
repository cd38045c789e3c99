using ActionGuard.Client;

namespace ActionGuard.Testing;

/// <summary>One <c>POST /v1/approvals</c> call the backend received, including idempotent replays and refused calls.</summary>
public sealed class RecordedApprovalRequest
{
    /// <summary>Gets the request body as the agent sent it.</summary>
    public required CreateApprovalRequest Request { get; init; }

    /// <summary>Gets the agent that sent it.</summary>
    public required string AgentId { get; init; }

    /// <summary>Gets the idempotency key sent with it.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>Gets the id of the resulting approval, or <see langword="null"/> when the call was refused.</summary>
    public string? ApprovalId { get; init; }

    /// <summary>Gets whether the call replayed an earlier one (same idempotency key and body).</summary>
    public bool IsReplay { get; init; }

    /// <summary>Gets when the call arrived, on the backend's clock.</summary>
    public DateTimeOffset At { get; init; }
}
