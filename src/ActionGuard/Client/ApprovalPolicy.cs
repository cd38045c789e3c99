namespace ActionGuard.Client;

/// <summary>The server policy applied to an approval.</summary>
public sealed class ApprovalPolicy
{
    /// <summary>Gets the name of the rule that matched.</summary>
    public string? Rule { get; init; }

    /// <summary>Gets how many distinct people must approve.</summary>
    public int MinApprovals { get; init; }

    /// <summary>Gets the groups approvers must belong to (any of them).</summary>
    public IReadOnlyList<string> ApproverGroups { get; init; } = [];
}
