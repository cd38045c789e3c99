using System.CommandLine;
using System.Globalization;
using System.Text;
using ActionGuard.Policy;

namespace ActionGuard.Cli.Commands;

/// <summary><c>policy test</c>: evaluates an action against a policy file offline and explains the result.</summary>
internal static class PolicyCommands
{
    public static Command Create(CliEnvironment environment)
    {
        var policy = new Command("policy", "Policy as code (actionguard.policy.json), the language shared by the server and the SDK.");
        policy.Subcommands.Add(CreateTest(environment));
        return policy;
    }

    private static Command CreateTest(CliEnvironment environment)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The policy file, e.g. actionguard.policy.json." };
        var kind = new Option<string>("--kind") { Description = "The action kind, e.g. data_export.", Required = true };
        var name = new Option<string>("--name") { Description = "The action name.", Required = true };
        var resource = new Option<string?>("--resource") { Description = "The resource." };
        var destination = new Option<string?>("--destination") { Description = "The destination." };
        var env = new Option<string?>("--environment") { Description = "The environment, e.g. prod." };
        var agent = new Option<string?>("--agent") { Description = "The agent id." };
        var initiator = new Option<string?>("--initiator") { Description = "The initiator's subject." };
        var dataClasses = new Option<string[]>("--data-class") { Description = "A data class and its count, CLASS=N; repeat for more.", AllowMultipleArgumentsPerToken = false };
        var arguments = new Option<string[]>("--arg") { Description = "A numeric argument, PATH=NUMBER (e.g. rows=20000); repeat for more. Arguments not given are unknown.", AllowMultipleArgumentsPerToken = false };

        var test = new Command("test", "Evaluate an action against a policy file: which rule matched and each condition's result. Exit 0 when a rule matched, 1 when none did or the file is invalid.");
        test.Arguments.Add(file);
        foreach (var option in new Option[] { kind, name, resource, destination, env, agent, initiator, dataClasses, arguments })
        {
            test.Options.Add(option);
        }

        test.SetAction(async (parse, cancellationToken) =>
        {
            var facts = PolicyFacts.For(
                parse.GetValue(kind)!,
                parse.GetValue(name)!,
                parse.GetValue(resource),
                parse.GetValue(destination),
                parse.GetValue(env),
                parse.GetValue(agent),
                parse.GetValue(initiator) is { } subject ? new ApprovalParty { Subject = subject } : null,
                Pairs<long>(parse.GetValue(dataClasses), "--data-class", s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (long?)null),
                Pairs<decimal>(parse.GetValue(arguments), "--arg", s => decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) ? n : (decimal?)null));

            var path = parse.GetValue(file)!.FullName;
            PolicyDocument document;
            try
            {
                document = PolicyDocument.Load(path);
            }
            catch (PolicyLoadException ex)
            {
                throw new CliException(ExitCodes.Refused, "error: " + ex.Message);
            }

            var evaluation = new PolicyEvaluator(document).Evaluate(facts);
            await environment.Out.WriteAsync(Explain(document, evaluation).AsMemory(), cancellationToken).ConfigureAwait(false);
            return evaluation.MatchedRule is null ? ExitCodes.Refused : ExitCodes.Ok;
        });
        return test;
    }

    internal static string Explain(PolicyDocument document, PolicyEvaluation evaluation)
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.Append(culture, $"policy: {document.Source} ({document.Rules.Count} rules)\n");
        for (var i = 0; i < evaluation.Rules.Count; i++)
        {
            var result = evaluation.Rules[i];
            var verdict = result.Outcome switch
            {
                PolicyConditionOutcome.True => "MATCH",
                PolicyConditionOutcome.False => "no match",
                _ => "might match (unknown facts)",
            };
            text.Append(culture, $"rule {i + 1} '{result.Rule.Name}' ({Effect(result.Rule.Effect)}): {verdict}\n");
            if (result.Conditions.Count == 0)
            {
                text.Append("    (no conditions: matches every action)\n");
            }

            foreach (var condition in result.Conditions)
            {
                var outcome = condition.Outcome.ToString().ToLowerInvariant();
                var actual = condition.Actual ?? (condition.Field.StartsWith("arguments.", StringComparison.Ordinal) ? "(unknown)" : "(absent)");
                var expected = condition.Field.StartsWith("dataClasses.", StringComparison.Ordinal) || condition.Field.StartsWith("arguments.", StringComparison.Ordinal)
                    ? condition.Expected
                    : "matches '" + condition.Expected + "'";
                text.Append(culture, $"    {condition.Field} {expected}: {actual} -> {outcome}\n");
            }
        }

        if (evaluation.MatchedRule is { } matched)
        {
            text.Append(culture, $"result: rule '{matched.Name}' matched -> {Describe(matched)}\n");
        }
        else
        {
            text.Append("result: no rule matched -> the server's default (require approval, DefaultMinApprovals)\n");
        }

        if (!evaluation.IsDefinite)
        {
            var decision = evaluation.Decision;
            text.Append(culture, $"server (unknown facts resolved conservatively): {(decision is null ? "default (require approval)" : $"rule '{decision.Name}' -> {Describe(decision)}")}\n");
        }

        return text.ToString();
    }

    private static string Describe(PolicyRule rule) => rule.Effect switch
    {
        PolicyEffect.Deny => "deny" + (rule.Message is null ? string.Empty : ": " + rule.Message),
        PolicyEffect.Allow => "allow",
        _ => string.Create(CultureInfo.InvariantCulture, $"require_approval (minApprovals {rule.MinApprovals}, approverGroups [{string.Join(", ", rule.ApproverGroups)}]{(rule.Ttl is { } ttl ? ", ttl " + ttl.ToString("c", CultureInfo.InvariantCulture) : string.Empty)})"),
    };

    private static string Effect(PolicyEffect effect) => effect switch
    {
        PolicyEffect.Deny => "deny",
        PolicyEffect.Allow => "allow",
        _ => "require_approval",
    };

    private static Dictionary<string, T> Pairs<T>(string[]? values, string option, Func<string, T?> parse)
        where T : struct
    {
        var pairs = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || parse(value[(equals + 1)..]) is not { } parsed)
            {
                throw new CliException(ExitCodes.Usage, $"error: {option} '{value}' must be NAME=NUMBER. Run 'actionguard policy test --help' for usage.");
            }

            pairs[value[..equals]] = parsed;
        }

        return pairs;
    }
}
