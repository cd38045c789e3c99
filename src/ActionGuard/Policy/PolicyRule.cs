namespace ActionGuard.Policy;

/// <summary>
/// One rule of a <see cref="PolicyDocument"/>: every condition that is set must hold for the rule to match (an unset
/// condition matches anything); the first matching rule applies.
/// </summary>
internal sealed class PolicyRule
{
    /// <summary>Gets the rule's name, unique in its document; decisions are recorded as made by <c>policy:&lt;name&gt;</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Gets a note for people reading the policy.</summary>
    public string? Description { get; init; }

    /// <summary>Gets what the rule does.</summary>
    public required PolicyEffect Effect { get; init; }

    /// <summary>Gets the message of a <see cref="PolicyEffect.Deny"/> (or the reason of an <see cref="PolicyEffect.Allow"/>).</summary>
    public string? Message { get; init; }

    /// <summary>Gets how many distinct people must approve under <see cref="PolicyEffect.RequireApproval"/>. At least 1; default 1.</summary>
    public int MinApprovals { get; init; } = 1;

    /// <summary>Gets the groups approvers must belong to (any of them); empty for any authenticated approver.</summary>
    public IReadOnlyList<string> ApproverGroups { get; init; } = [];

    /// <summary>Gets how long the request may stay pending; the server's default when unset.</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>Gets the glob on the action kind (<c>data_export</c>).</summary>
    public PolicyGlob? Kind { get; init; }

    /// <summary>Gets the glob on the action name.</summary>
    public PolicyGlob? ActionName { get; init; }

    /// <summary>Gets the glob on the resource.</summary>
    public PolicyGlob? Resource { get; init; }

    /// <summary>Gets the glob on the destination (<c>s3://internal-*</c>).</summary>
    public PolicyGlob? Destination { get; init; }

    /// <summary>Gets the glob on the environment (<c>prod</c>).</summary>
    public PolicyGlob? Environment { get; init; }

    /// <summary>Gets the glob on the agent id.</summary>
    public PolicyGlob? Agent { get; init; }

    /// <summary>Gets the glob on the initiator's subject.</summary>
    public PolicyGlob? Initiator { get; init; }

    /// <summary>Gets the conditions on data-class counts (a class not present counts 0); all must hold.</summary>
    public IReadOnlyList<PolicyThreshold> DataClasses { get; init; } = [];

    /// <summary>
    /// Gets the conditions on numeric arguments by path (<c>rows</c>, <c>options.limit</c>); all must hold. An argument
    /// that is absent, not a number, or masked is unknown, never zero (see <see cref="PolicyEvaluation"/>).
    /// </summary>
    public IReadOnlyList<PolicyThreshold> Arguments { get; init; } = [];

    /// <inheritdoc/>
    public override string ToString() => Name;
}
