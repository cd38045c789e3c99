using System.Globalization;
using ActionGuard.Utils;

namespace ActionGuard.Policy;

/// <summary>Evaluates a <see cref="PolicyDocument"/>: first match wins. Thread-safe; the document is never changed.</summary>
internal sealed class PolicyEvaluator
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="document">The policy.</param>
    public PolicyEvaluator(PolicyDocument document)
    {
        Document = Guard.NotNull(document);
    }

    /// <summary>Gets the policy evaluated.</summary>
    public PolicyDocument Document { get; }

    /// <summary>Evaluates the policy against <paramref name="facts"/>.</summary>
    /// <param name="facts">The action as this side knows it.</param>
    /// <returns>Which rule matched, which might have, and each condition's result.</returns>
    public PolicyEvaluation Evaluate(PolicyFacts facts)
    {
        Guard.NotNull(facts);
        var results = new List<PolicyRuleResult>();
        foreach (var rule in Document.Rules)
        {
            var result = EvaluateRule(rule, facts);
            results.Add(result);
            if (result.Outcome == PolicyConditionOutcome.True)
            {
                return new PolicyEvaluation(results, rule);
            }
        }

        return new PolicyEvaluation(results, null);
    }

    private static PolicyRuleResult EvaluateRule(PolicyRule rule, PolicyFacts facts)
    {
        var conditions = new List<PolicyConditionResult>();
        foreach (var field in PolicyFactFields.Patterns)
        {
            if (field.IsUrl)
            {
                AddUrlGlob(conditions, field.Name, field.Pattern(rule), field.Value(facts));
            }
            else
            {
                AddGlob(conditions, field.Name, field.Pattern(rule), field.Value(facts));
            }
        }
        foreach (var threshold in rule.DataClasses)
        {
            var count = facts.DataClasses.TryGetValue(threshold.Key, out var n) ? n : 0;
            conditions.Add(new PolicyConditionResult(
                "dataClasses." + threshold.Key,
                threshold.ToExpression(),
                count.ToString(CultureInfo.InvariantCulture),
                threshold.IsSatisfiedBy(count) ? PolicyConditionOutcome.True : PolicyConditionOutcome.False));
        }

        foreach (var threshold in rule.Arguments)
        {
            var known = facts.Arguments.TryGetValue(threshold.Key, out var value);
            conditions.Add(new PolicyConditionResult(
                "arguments." + threshold.Key,
                threshold.ToExpression(),
                known ? value.ToString(CultureInfo.InvariantCulture) : null,
                !known ? PolicyConditionOutcome.Unknown : threshold.IsSatisfiedBy(value) ? PolicyConditionOutcome.True : PolicyConditionOutcome.False));
        }

        var outcome = PolicyConditionOutcome.True;
        foreach (var condition in conditions)
        {
            if (condition.Outcome == PolicyConditionOutcome.False)
            {
                outcome = PolicyConditionOutcome.False;
                break;
            }

            if (condition.Outcome == PolicyConditionOutcome.Unknown)
            {
                outcome = PolicyConditionOutcome.Unknown;
            }
        }

        return new PolicyRuleResult(rule, outcome, conditions);
    }

    private static void AddUrlGlob(List<PolicyConditionResult> conditions, string field, PolicyGlob? glob, string? value)
    {
        if (glob is not null)
        {
            conditions.Add(new PolicyConditionResult(field, glob.Pattern, value, glob.IsUrlMatch(value) ? PolicyConditionOutcome.True : PolicyConditionOutcome.False));
        }
    }

    private static void AddGlob(List<PolicyConditionResult> conditions, string field, PolicyGlob? glob, string? value)
    {
        if (glob is not null)
        {
            conditions.Add(new PolicyConditionResult(field, glob.Pattern, value, glob.IsMatch(value) ? PolicyConditionOutcome.True : PolicyConditionOutcome.False));
        }
    }
}
