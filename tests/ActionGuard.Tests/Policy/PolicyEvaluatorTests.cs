using ActionGuard.Policy;

namespace ActionGuard.Tests.Policy;

public sealed class PolicyEvaluatorTests
{
    private static readonly PolicyEvaluator Brief = new(PolicyDocument.Parse(PolicyParserTests.BriefPolicy));

    private static PolicyFacts Facts(
        string kind = "data_export",
        string name = "Exporter.Export",
        string? resource = null,
        string? destination = null,
        string? environment = null,
        string? agent = null,
        string? initiator = null,
        Dictionary<string, long>? dataClasses = null,
        Dictionary<string, decimal>? arguments = null) => new()
        {
            Kind = kind,
            ActionName = name,
            Resource = resource,
            Destination = destination,
            Environment = environment,
            Agent = agent,
            Initiator = initiator,
            DataClasses = dataClasses ?? [],
            Arguments = arguments ?? [],
        };

    [Fact]
    public void Permission_changes_in_prod_are_denied()
    {
        var evaluation = Brief.Evaluate(Facts(kind: "permission_change", environment: "prod"));

        Assert.Equal("no-prod-permission-changes", evaluation.MatchedRule?.Name);
        Assert.Equal(PolicyEffect.Deny, evaluation.Decision?.Effect);
        Assert.True(evaluation.IsDefinite);
        Assert.Null(Brief.Evaluate(Facts(kind: "permission_change", environment: "dev")).MatchedRule);
    }

    [Fact]
    public void Any_card_number_needs_two_approvers_from_data_governance()
    {
        var evaluation = Brief.Evaluate(Facts(destination: "s3://internal-x", dataClasses: new() { ["payment_card"] = 1 }, arguments: new() { ["rows"] = 5 }));

        var rule = Assert.IsType<PolicyRule>(evaluation.MatchedRule);
        Assert.Equal("card-exports", rule.Name);
        Assert.Equal(2, rule.MinApprovals);
        Assert.Equal(["data-governance"], rule.ApproverGroups);
    }

    [Theory]
    [InlineData(10001, "large-exports")]
    [InlineData(10000, "internal-exports")]
    public void Exports_of_more_than_10000_rows_need_two_approvers(int rows, string expected)
    {
        var evaluation = Brief.Evaluate(Facts(destination: "s3://internal-reports", arguments: new() { ["rows"] = rows }));

        Assert.Equal(expected, evaluation.MatchedRule?.Name);
        Assert.True(evaluation.IsDefinite);
    }

    [Fact]
    public void Exports_to_internal_buckets_are_allowed_and_others_fall_through_to_the_default()
    {
        Assert.Equal(PolicyEffect.Allow, Brief.Evaluate(Facts(destination: "s3://internal-a", arguments: new() { ["rows"] = 3 })).Decision?.Effect);
        var external = Brief.Evaluate(Facts(destination: "s3://partner", arguments: new() { ["rows"] = 3 }));
        Assert.Null(external.MatchedRule);
        Assert.Null(external.Decision);
        Assert.Equal(4, external.Rules.Count);
    }

    [Fact]
    public void First_match_wins_and_later_rules_are_not_tried()
    {
        var evaluator = new PolicyEvaluator(PolicyDocument.Parse("""
            {"rules":[
              {"name":"first","kind":"data_*","effect":"allow"},
              {"name":"second","kind":"data_export","effect":"deny"}
            ]}
            """));

        var evaluation = evaluator.Evaluate(Facts());

        Assert.Equal("first", evaluation.MatchedRule?.Name);
        Assert.Single(evaluation.Rules);
    }

    [Theory]
    [InlineData("kind", "data_export", "permission_change")]
    [InlineData("actionName", "Exporter.*", "Other.Export")]
    [InlineData("resource", "crm://*", "erp://orders")]
    [InlineData("destination", "s3://internal-*", "s3://public")]
    [InlineData("environment", "prod", "dev")]
    [InlineData("agent", "billing-*", "support-agent")]
    [InlineData("initiator", "dana", "erin")]
    public void Every_glob_matcher_decides_on_its_own_field(string field, string pattern, string other)
    {
        var evaluator = new PolicyEvaluator(PolicyDocument.Parse($$"""{"rules":[{"name":"r","{{field}}":"{{pattern}}","effect":"deny"}]}"""));
        var matching = Facts(name: "Exporter.Export", resource: "crm://customers", destination: "s3://internal-a", environment: "prod", agent: "billing-agent", initiator: "dana");

        Assert.Equal("r", evaluator.Evaluate(matching).MatchedRule?.Name);
        var changed = field switch
        {
            "kind" => Facts(kind: other, name: "Exporter.Export", resource: "crm://customers", destination: "s3://internal-a", environment: "prod", agent: "billing-agent", initiator: "dana"),
            "actionName" => Facts(name: other, resource: "crm://customers", destination: "s3://internal-a", environment: "prod", agent: "billing-agent", initiator: "dana"),
            "resource" => Facts(name: "Exporter.Export", resource: other, destination: "s3://internal-a", environment: "prod", agent: "billing-agent", initiator: "dana"),
            "destination" => Facts(name: "Exporter.Export", resource: "crm://customers", destination: other, environment: "prod", agent: "billing-agent", initiator: "dana"),
            "environment" => Facts(name: "Exporter.Export", resource: "crm://customers", destination: "s3://internal-a", environment: other, agent: "billing-agent", initiator: "dana"),
            "agent" => Facts(name: "Exporter.Export", resource: "crm://customers", destination: "s3://internal-a", environment: "prod", agent: other, initiator: "dana"),
            _ => Facts(name: "Exporter.Export", resource: "crm://customers", destination: "s3://internal-a", environment: "prod", agent: "billing-agent", initiator: other),
        };
        var result = evaluator.Evaluate(changed);
        Assert.Null(result.MatchedRule);
        var condition = Assert.Single(Assert.Single(result.Rules).Conditions);
        Assert.Equal((field, PolicyConditionOutcome.False, other), (condition.Field, condition.Outcome, condition.Actual));
    }

    [Fact]
    public void A_set_glob_never_matches_an_absent_value_unless_it_is_a_star()
    {
        var evaluator = new PolicyEvaluator(PolicyDocument.Parse("""{"rules":[{"name":"d","destination":"s3://*","effect":"deny"},{"name":"any","destination":"*","effect":"allow"}]}"""));

        Assert.Equal("any", evaluator.Evaluate(Facts()).MatchedRule?.Name);
    }

    [Theory]
    [InlineData(">= 1000", 999, false)]
    [InlineData(">= 1000", 1000, true)]
    [InlineData("< 5", 4, true)]
    [InlineData("<= 5", 6, false)]
    [InlineData("== 0", 0, true)]
    [InlineData("!= 0", 0, false)]
    [InlineData("> 0", 0, false)]
    public void Data_class_counts_compare_and_absent_classes_count_zero(string threshold, long count, bool expected)
    {
        var evaluator = new PolicyEvaluator(PolicyDocument.Parse($$"""{"rules":[{"name":"r","dataClasses":{"email":"{{threshold}}"},"effect":"deny"}]}"""));

        Assert.Equal(expected, evaluator.Evaluate(Facts(dataClasses: new() { ["email"] = count })).MatchedRule is not null);
        Assert.Equal(PolicyConditionOutcome.True, Assert.Single(Assert.Single(
            new PolicyEvaluator(PolicyDocument.Parse("""{"rules":[{"name":"r","dataClasses":{"iban":"== 0"},"effect":"deny"}]}""")).Evaluate(Facts()).Rules).Conditions).Outcome);
    }

    [Fact]
    public void Nested_numeric_arguments_are_matched_by_dotted_path()
    {
        var evaluator = new PolicyEvaluator(PolicyDocument.Parse("""{"rules":[{"name":"r","arguments":{"options.limit":"> 10"},"effect":"deny"}]}"""));
        using var json = System.Text.Json.JsonDocument.Parse("""{"options":{"limit":11},"masked":"[sensitive]"}""");
        var arguments = json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);

        var numbers = PolicyFacts.NumericArguments(arguments);

        Assert.Equal(11m, numbers["options.limit"]);
        Assert.False(numbers.ContainsKey("masked"));
        Assert.Equal("r", evaluator.Evaluate(Facts(arguments: new(numbers))).MatchedRule?.Name);
    }

    [Fact]
    public void An_unknown_argument_is_neither_true_nor_false_and_the_conservative_reading_takes_the_strictest_possible_rule()
    {
        // rows unknown (masked or absent): large-exports might apply, internal-exports does apply.
        var evaluation = Brief.Evaluate(Facts(destination: "s3://internal-a"));

        Assert.False(evaluation.IsDefinite);
        Assert.Equal("internal-exports", evaluation.MatchedRule?.Name);
        Assert.Equal("large-exports", evaluation.Decision?.Name);
        Assert.Equal(PolicyConditionOutcome.Unknown, evaluation.Rules[2].Outcome);
        Assert.Null(evaluation.Rules[2].Conditions.Single(c => c.Field == "arguments.rows").Actual);
    }

    [Fact]
    public void A_possible_deny_beats_a_later_certain_approval()
    {
        var evaluator = new PolicyEvaluator(PolicyDocument.Parse("""
            {"rules":[
              {"name":"huge","arguments":{"rows":"> 1000000"},"effect":"deny"},
              {"name":"review","effect":"require_approval"}
            ]}
            """));

        Assert.Equal("huge", evaluator.Evaluate(Facts()).Decision?.Name);
        Assert.Equal("review", evaluator.Evaluate(Facts(arguments: new() { ["rows"] = 5 })).Decision?.Name);
    }

    [Fact]
    public void A_possible_allow_never_beats_the_default()
    {
        var evaluator = new PolicyEvaluator(PolicyDocument.Parse("""{"rules":[{"name":"small","arguments":{"rows":"< 10"},"effect":"allow"}]}"""));

        var evaluation = evaluator.Evaluate(Facts());

        Assert.Null(evaluation.MatchedRule);
        Assert.Null(evaluation.Decision);
    }
}
