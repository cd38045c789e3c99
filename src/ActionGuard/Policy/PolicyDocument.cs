using ActionGuard.Utils;

namespace ActionGuard.Policy;

/// <summary>
/// A policy: rules in order, first match wins. Read from <c>actionguard.policy.json</c> with <see cref="Load"/> or
/// <see cref="Parse(string, string?)"/>, or built from rules in code. Shared by the SDK's local fast path and the server.
/// </summary>
public sealed class PolicyDocument
{
    /// <summary>The conventional file name.</summary>
    public const string DefaultFileName = "actionguard.policy.json";

    /// <summary>Initializes a new instance from rules built in code, validated like a file.</summary>
    /// <param name="rules">The rules, in order.</param>
    /// <param name="source">Where the rules come from, for messages.</param>
    /// <exception cref="PolicyLoadException">A name is missing or repeated, or <see cref="PolicyRule.MinApprovals"/> is below 1.</exception>
    internal PolicyDocument(IEnumerable<PolicyRule> rules, string? source = null)
    {
        Guard.NotNull(rules);
        var list = rules.ToArray();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Length; i++)
        {
            var rule = list[i] ?? throw new PolicyLoadException(source, 0, 0, $"rule {i} is null");
            if (string.IsNullOrWhiteSpace(rule.Name))
            {
                throw new PolicyLoadException(source, 0, 0, $"rule {i} has no name");
            }

            if (!names.Add(rule.Name))
            {
                throw new PolicyLoadException(source, 0, 0, $"rule {i}: the name '{rule.Name}' is used by another rule");
            }

            if (rule.MinApprovals < 1)
            {
                throw new PolicyLoadException(source, 0, 0, $"rule '{rule.Name}': minApprovals must be at least 1");
            }

            if (rule.Ttl is { } ttl && ttl <= TimeSpan.Zero)
            {
                throw new PolicyLoadException(source, 0, 0, $"rule '{rule.Name}': ttl must be positive");
            }
        }

        Rules = list;
        Source = source;
    }

    /// <summary>Gets the rules, in order.</summary>
    internal IReadOnlyList<PolicyRule> Rules { get; }

    /// <summary>Gets where the rules come from (the file path), if known.</summary>
    public string? Source { get; }

    /// <summary>Reads and validates a policy file.</summary>
    /// <param name="path">The file, <c>actionguard.policy.json</c> by convention.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="PolicyLoadException">The file cannot be read, or is not a valid policy: the message names file, line, column and what is wrong.</exception>
    public static PolicyDocument Load(string path)
    {
        Guard.NotNullOrEmpty(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new PolicyLoadException(path, 0, 0, "the file cannot be read: " + ex.Message, ex);
        }

        return PolicyParser.Parse(bytes, path);
    }

    /// <summary>Parses a policy from JSON text.</summary>
    /// <param name="json">The policy JSON.</param>
    /// <param name="source">A name for messages, for example the file it came from.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="PolicyLoadException">Not a valid policy: the message names line, column and what is wrong.</exception>
    public static PolicyDocument Parse(string json, string? source = null)
    {
        Guard.NotNull(json);
        return PolicyParser.Parse(System.Text.Encoding.UTF8.GetBytes(json), source);
    }

    /// <summary>Parses a policy from UTF-8 JSON.</summary>
    /// <param name="utf8Json">The policy JSON.</param>
    /// <param name="source">A name for messages, for example the file it came from.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="PolicyLoadException">Not a valid policy: the message names line, column and what is wrong.</exception>
    public static PolicyDocument Parse(ReadOnlySpan<byte> utf8Json, string? source = null) => PolicyParser.Parse(utf8Json, source);
}
