namespace ActionGuard.Server;

/// <summary>
/// One policy rule. Patterns are globs (<c>*</c> any run of characters, <c>?</c> one), matched ordinally against the
/// whole value; an unset pattern matches anything, a set one never matches an absent value unless it is <c>*</c>.
/// </summary>
public sealed class PolicyRuleOptions
{
    /// <summary>Gets or sets the rule's name, recorded with every request it applies to. Required and unique.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the pattern for the action kind, for example <c>data_export</c>.</summary>
    public string? Kind { get; set; }

    /// <summary>Gets or sets the pattern for the action name.</summary>
    public string? ActionName { get; set; }

    /// <summary>Gets or sets the pattern for the resource.</summary>
    public string? Resource { get; set; }

    /// <summary>Gets or sets the pattern for the destination.</summary>
    public string? Destination { get; set; }

    /// <summary>Gets or sets the pattern for the environment.</summary>
    public string? Environment { get; set; }

    /// <summary>Gets or sets how many distinct people must approve. Default 1.</summary>
    public int MinApprovals { get; set; } = 1;

    /// <summary>Gets the groups approvers must belong to (any of them); empty for any authenticated approver.</summary>
    public IList<string> ApproverGroups { get; } = new List<string>();

    /// <summary>Gets or sets how long the request may stay pending; the server default when unset.</summary>
    public TimeSpan? Ttl { get; set; }

    /// <summary>
    /// Gets or sets <c>require</c> (default: people decide), <c>allow</c> or <c>deny</c> (decided at once, recorded as
    /// decided by <c>policy:&lt;name&gt;</c>).
    /// </summary>
    public string? Decision { get; set; }

    /// <summary>Gets or sets the reason recorded for an automatic decision.</summary>
    public string? Reason { get; set; }
}
