using ActionGuard.Client;

namespace ActionGuard.Testing;

/// <summary>One status change of an approval.</summary>
public sealed class ApprovalTransition
{
    /// <summary>Gets the approval's id.</summary>
    public required string ApprovalId { get; init; }

    /// <summary>Gets the status before the change.</summary>
    public required ApprovalStatus From { get; init; }

    /// <summary>Gets the status after the change.</summary>
    public required ApprovalStatus To { get; init; }

    /// <summary>Gets when the change happened, on the backend's clock.</summary>
    public DateTimeOffset At { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"{ApprovalId}: {From} -> {To}";
}
