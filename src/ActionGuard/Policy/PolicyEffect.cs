namespace ActionGuard.Policy;

/// <summary>What a matching rule does with an action.</summary>
internal enum PolicyEffect
{
    /// <summary>People decide: <see cref="PolicyRule.MinApprovals"/> distinct approvers from <see cref="PolicyRule.ApproverGroups"/>.</summary>
    RequireApproval,

    /// <summary>Approved at once, recorded as decided by <c>policy:&lt;rule&gt;</c>.</summary>
    Allow,

    /// <summary>Denied at once with <see cref="PolicyRule.Message"/>, recorded as decided by <c>policy:&lt;rule&gt;</c>.</summary>
    Deny,
}
