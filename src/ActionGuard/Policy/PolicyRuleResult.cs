namespace ActionGuard.Policy;

/// <summary>One rule, evaluated: <see cref="PolicyConditionOutcome.True"/> when every condition holds.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="Outcome">False when a condition fails; otherwise Unknown when a condition is unknown; otherwise True.</param>
/// <param name="Conditions">Every condition of the rule, in the order of the rule's fields.</param>
internal sealed record PolicyRuleResult(PolicyRule Rule, PolicyConditionOutcome Outcome, IReadOnlyList<PolicyConditionResult> Conditions);
