using ActionGuard.Policy;

namespace ActionGuard.Tests.Policy;

// The field table drives the parser and the evaluator: every field it names is accepted in a rule and matched against
// the fact the table says, and an unknown field is refused with the table's list.
public sealed class PolicyFactFieldsTests
{
    public static TheoryData<string> Fields => [.. PolicyFactFields.Patterns.Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(Fields))]
    public void Each_field_matches_the_fact_the_table_names_and_only_that_one(string field)
    {
        var evaluator = new PolicyEvaluator(PolicyDocument.Parse($$"""{"rules":[{"name":"r","{{field}}":"x-*","effect":"deny"}]}"""));
        var row = PolicyFactFields.Patterns.Single(p => p.Name == field);

        var matching = Facts(field, "x-1");
        var other = Facts(field, "y-1");

        Assert.Equal("x-1", row.Value(matching));
        Assert.Equal("r", evaluator.Evaluate(matching).MatchedRule?.Name);
        Assert.Null(evaluator.Evaluate(other).MatchedRule);
    }

    [Fact]
    public void An_unknown_field_is_refused_naming_every_field_of_the_table()
    {
        var ex = Assert.ThrowsAny<Exception>(() => PolicyDocument.Parse("""{"rules":[{"name":"r","tenant":"a","effect":"deny"}]}"""));

        Assert.Contains("unknown field 'tenant'", ex.Message, StringComparison.Ordinal);
        Assert.All(PolicyFactFields.Patterns, p => Assert.Contains(p.Name, ex.Message, StringComparison.Ordinal));
    }

    private static PolicyFacts Facts(string field, string value) => PolicyFacts.For(
        kind: field == "kind" ? value : "data_export",
        name: field == "actionName" ? value : "Exporter.Export",
        resource: field == "resource" ? value : "crm://customers",
        destination: field == "destination" ? value : "s3://exports",
        environment: field == "environment" ? value : "prod",
        agentId: field == "agent" ? value : "agent-1",
        initiator: new ApprovalParty { Subject = field == "initiator" ? value : "dana" },
        dataClasses: null,
        arguments: null);
}
