namespace ActionGuard;

/// <summary>
/// How arguments are redacted before they leave the process. The action hash always covers the full values.
/// </summary>
public sealed class RedactionOptions
{
    /// <summary>Gets or sets the longest string kept in the request; longer strings are truncated with a note of their length. Default 256.</summary>
    public int MaxStringLength { get; set; } = 256;

    /// <summary>Gets or sets how many items of a collection are kept; the rest are counted. Default 20.</summary>
    public int MaxCollectionItems { get; set; } = 20;

    /// <summary>Gets or sets how deep nested objects are kept; deeper levels are replaced by a marker. Default 8.</summary>
    public int MaxDepth { get; set; } = 8;

    /// <summary>
    /// Gets property and parameter names (case-insensitive, matched as whole names or name parts) whose values are
    /// always masked, in addition to the built-in ones such as <c>password</c>, <c>secret</c>, <c>token</c> and <c>apiKey</c>.
    /// </summary>
    public ISet<string> SensitiveNames { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
}
