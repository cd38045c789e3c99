namespace ActionGuard.Policy;

/// <summary>
/// The one table of the pattern fields a rule can match and the fact each one reads: the parser accepts these names,
/// the evaluator matches them in this order and reports each by its name. A new text fact is a property on
/// <see cref="PolicyFacts"/> and <see cref="PolicyRule"/>, a row here, and its line in <see cref="PolicyFacts.For"/>.
/// </summary>
internal static class PolicyFactFields
{
    public static readonly IReadOnlyList<PolicyFactField> Patterns =
    [
        new("kind", IsUrl: false, r => r.Kind, f => f.Kind),
        new("actionName", IsUrl: false, r => r.ActionName, f => f.ActionName),
        new("resource", IsUrl: true, r => r.Resource, f => f.Resource),
        new("destination", IsUrl: true, r => r.Destination, f => f.Destination),
        new("environment", IsUrl: false, r => r.Environment, f => f.Environment),
        new("agent", IsUrl: false, r => r.Agent, f => f.Agent),
        new("initiator", IsUrl: false, r => r.Initiator, f => f.Initiator),
    ];

    /// <summary>Gets every field a rule may carry, for the parser's "expected one of" message.</summary>
    public static string RuleFieldNames { get; } =
        "name, description, effect, message, minApprovals, approverGroups, ttl, " + string.Join(", ", Patterns.Select(p => p.Name)) + ", dataClasses, arguments";
}
