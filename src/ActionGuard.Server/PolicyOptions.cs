namespace ActionGuard.Server;

/// <summary>The server policy: the first rule whose patterns all match an action applies.</summary>
public sealed class PolicyOptions
{
    /// <summary>
    /// Gets or sets the policy file (<c>actionguard.policy.json</c>, the language shared with the SDK), relative to the
    /// content root; its rules come before <see cref="Rules"/>. A bad file stops the start with file, line and column.
    /// </summary>
    public string? File { get; set; }

    /// <summary>
    /// Gets or sets whether <see cref="File"/> is reloaded when it changes. Default <see langword="true"/>. A bad file is
    /// rejected and the last good policy stays in force.
    /// </summary>
    public bool Watch { get; set; } = true;

    /// <summary>Gets the rules given in configuration.</summary>
    public IList<PolicyRuleOptions> Rules { get; } = new List<PolicyRuleOptions>();

    /// <summary>Gets or sets how many distinct people must approve when no rule matches. Default 1.</summary>
    public int DefaultMinApprovals { get; set; } = 1;
}
