namespace ActionGuard.Server;

/// <summary>The server policy: the first rule whose patterns all match an action applies.</summary>
public sealed class PolicyOptions
{
    /// <summary>
    /// Gets or sets a JSON rules file (<c>{"rules":[...]}</c>), relative to the content root; its rules come before
    /// <see cref="Rules"/>.
    /// </summary>
    public string? File { get; set; }

    /// <summary>Gets the rules given in configuration.</summary>
    public IList<PolicyRuleOptions> Rules { get; } = new List<PolicyRuleOptions>();

    /// <summary>Gets or sets how many distinct people must approve when no rule matches. Default 1.</summary>
    public int DefaultMinApprovals { get; set; } = 1;
}
