namespace ActionGuard.Policy;

/// <summary>
/// The result of evaluating a policy. Rules are tried in order until one matches for certain
/// (<see cref="MatchedRule"/>); a rule before it that might match (a condition on an unknown fact) is kept in
/// <see cref="Rules"/> as <see cref="PolicyConditionOutcome.Unknown"/>.
/// </summary>
/// <remarks>
/// Two readings: <see cref="IsDefinite"/> with <see cref="MatchedRule"/> is what the SDK's local fast path acts on (it
/// never guesses); <see cref="Decision"/> is the server's conservative reading — the strictest of the rules that might
/// apply (deny, then require approval, then allow; the earliest on a tie), where no rule at all counts as
/// require-approval with the server's defaults.
/// </remarks>
internal sealed class PolicyEvaluation
{
    internal PolicyEvaluation(IReadOnlyList<PolicyRuleResult> rules, PolicyRule? matchedRule)
    {
        Rules = rules;
        MatchedRule = matchedRule;
        IsDefinite = rules.All(r => r.Outcome != PolicyConditionOutcome.Unknown);

        PolicyRule? decision = matchedRule;
        var severity = matchedRule is null ? Severity(PolicyEffect.RequireApproval) : Severity(matchedRule.Effect);
        foreach (var result in rules)
        {
            // Earlier rules win ties: replace only with a strictly stricter possible rule.
            if (result.Outcome == PolicyConditionOutcome.Unknown && Severity(result.Rule.Effect) >= severity
                && (Severity(result.Rule.Effect) > severity || decision is null || IndexOf(rules, result.Rule) < IndexOf(rules, decision)))
            {
                decision = result.Rule;
                severity = Severity(result.Rule.Effect);
            }
        }

        Decision = decision;
    }

    /// <summary>Gets every rule tried, in order, up to and including the one that matched.</summary>
    public IReadOnlyList<PolicyRuleResult> Rules { get; }

    /// <summary>Gets the first rule that matched for certain, or <see langword="null"/> when none did.</summary>
    public PolicyRule? MatchedRule { get; }

    /// <summary>Gets whether no rule tried depended on an unknown fact, so <see cref="MatchedRule"/> is the answer.</summary>
    public bool IsDefinite { get; }

    /// <summary>
    /// Gets the rule that applies when unknown facts are resolved conservatively, or <see langword="null"/> for the
    /// default (require approval). Equal to <see cref="MatchedRule"/> when <see cref="IsDefinite"/>.
    /// </summary>
    public PolicyRule? Decision { get; }

    private static int Severity(PolicyEffect effect) => effect switch
    {
        PolicyEffect.Deny => 2,
        PolicyEffect.RequireApproval => 1,
        _ => 0,
    };

    private static int IndexOf(IReadOnlyList<PolicyRuleResult> rules, PolicyRule rule)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            if (ReferenceEquals(rules[i].Rule, rule))
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}
