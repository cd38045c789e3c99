using ActionGuard.Policy;

namespace ActionGuard.Tests.Policy;

public sealed class PolicyParserTests
{
    internal const string BriefPolicy = """
        {
          // the brief's examples
          "version": 1,
          "rules": [
            { "name": "no-prod-permission-changes", "kind": "permission_change", "environment": "prod",
              "effect": "deny", "message": "Permission changes in prod are not allowed." },
            { "name": "card-exports", "kind": "data_export", "dataClasses": { "payment_card": "> 0" },
              "effect": "require_approval", "minApprovals": 2, "approverGroups": [ "data-governance" ] },
            { "name": "large-exports", "kind": "data_export", "arguments": { "rows": "> 10000" },
              "effect": "require_approval", "minApprovals": 2, "approverGroups": [ "data-governance" ], "ttl": "01:00:00" },
            { "name": "internal-exports", "kind": "data_export", "destination": "s3://internal-*", "effect": "allow" },
          ]
        }
        """;

    [Fact]
    public void The_brief_policy_parses_into_ordered_rules()
    {
        var document = PolicyDocument.Parse(BriefPolicy, "brief.json");

        Assert.Equal(["no-prod-permission-changes", "card-exports", "large-exports", "internal-exports"], document.Rules.Select(r => r.Name));
        var large = document.Rules[2];
        Assert.Equal(PolicyEffect.RequireApproval, large.Effect);
        Assert.Equal(2, large.MinApprovals);
        Assert.Equal(["data-governance"], large.ApproverGroups);
        Assert.Equal(TimeSpan.FromHours(1), large.Ttl);
        var threshold = Assert.Single(large.Arguments);
        Assert.Equal("rows", threshold.Key);
        Assert.Equal(PolicyComparison.GreaterThan, threshold.Comparison);
        Assert.Equal(10000m, threshold.Value);
        Assert.Equal("Permission changes in prod are not allowed.", document.Rules[0].Message);
    }

    [Theory]
    // unknown field, at the field name
    [InlineData("{\n  \"rules\": [\n    { \"name\": \"a\", \"effect\": \"allow\", \"colour\": \"red\" }\n  ]\n}", 3, 39, "unknown field 'colour'")]
    // wrong type, at the value
    [InlineData("{\"rules\": [\n  {\"name\": \"a\", \"effect\": \"require_approval\", \"minApprovals\": \"two\"}\n]}", 2, 63, "'minApprovals' must be a whole number, not a string")]
    // minApprovals < 1
    [InlineData("{\"rules\": [\n  {\"name\": \"a\", \"effect\": \"require_approval\",\n   \"minApprovals\": 0}\n]}", 3, 20, "'minApprovals' must be at least 1 (was 0)")]
    // unknown effect
    [InlineData("{\"rules\": [{\"name\": \"a\",\n \"effect\": \"maybe\"}]}", 2, 12, "unknown effect 'maybe'")]
    // bad glob
    [InlineData("{\"rules\": [{\"name\": \"a\", \"effect\": \"deny\",\n\n   \"destination\": \"s3://[abc\"}]}", 3, 19, "'destination': bad glob 's3://[abc' has a '[' at position 6 that is never closed")]
    // threshold syntax
    [InlineData("{\"rules\": [{\"name\": \"a\", \"effect\": \"deny\",\n  \"arguments\": {\"rows\": \"more than 10\"}}]}", 2, 25, "'arguments.rows': threshold 'more than 10' must start with one of")]
    [InlineData("{\"rules\": [{\"name\": \"a\", \"effect\": \"deny\",\n  \"dataClasses\": {\"email\": \">= lots\"}}]}", 2, 28, "'dataClasses.email': threshold '>= lots' must have a number")]
    // missing effect, at the rule
    [InlineData("{\"rules\": [\n  {\"name\": \"a\"}]}", 2, 3, "rule 'a' has no 'effect'")]
    // duplicate name, at the second name's value
    [InlineData("{\"rules\": [{\"name\": \"a\", \"effect\": \"allow\"},\n {\"name\": \"a\", \"effect\": \"deny\"}]}", 2, 11, "the name 'a' is used by another rule")]
    // approval fields on a deny
    [InlineData("{\"rules\": [{\"name\": \"a\", \"effect\": \"deny\", \"minApprovals\": 2}]}", 1, 44, "'minApprovals' applies only to effect 'require_approval'")]
    // JSON syntax (line and column from the reader)
    [InlineData("{\"rules\": [\n  {\"name\" \"a\"}]}", 2, 11, "invalid JSON")]
    // character columns, not bytes: 'é' is two bytes
    [InlineData("{\"rules\": [{\"name\": \"é\", \"effect\": \"nope\"}]}", 1, 36, "unknown effect 'nope'")]
    [InlineData("{\"rule\": []}", 1, 2, "unknown field 'rule'")]
    [InlineData("[]", 1, 1, "must be a JSON object")]
    public void Bad_policies_are_rejected_with_line_column_and_problem(string json, int line, int column, string problem)
    {
        var ex = Assert.Throws<PolicyLoadException>(() => PolicyDocument.Parse(json, "policy.json"));

        Assert.Contains(problem, ex.Problem, StringComparison.Ordinal);
        Assert.Equal((line, column), (ex.Line, ex.Column));
        Assert.StartsWith($"policy.json({line},{column}): ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_a_load_error_naming_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), "ag-missing-" + Guid.NewGuid().ToString("N") + ".json");

        var ex = Assert.Throws<PolicyLoadException>(() => PolicyDocument.Load(path));

        Assert.Equal(path, ex.Source);
        Assert.Contains("cannot be read", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_built_in_code_are_validated_like_a_file()
    {
        var rule = new PolicyRule { Name = "a", Effect = PolicyEffect.RequireApproval, MinApprovals = 0 };

        var ex = Assert.Throws<PolicyLoadException>(() => new PolicyDocument([rule]));

        Assert.Contains("minApprovals must be at least 1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3://internal-*", "s3://internal-reports/q3.csv", true)]
    [InlineData("s3://internal-*", "s3://public/q3.csv", false)]
    [InlineData("db-?", "db-1", true)]
    [InlineData("db-?", "db-12", false)]
    [InlineData("env-[a-c]", "env-b", true)]
    [InlineData("env-[!a-c]", "env-b", false)]
    [InlineData("literal\\*", "literal*", true)]
    [InlineData("literal\\*", "literalX", false)]
    [InlineData("Prod", "prod", false)]
    public void Globs_match_the_whole_value_ordinally(string pattern, string value, bool expected)
    {
        Assert.Equal(expected, PolicyGlob.Parse(pattern).IsMatch(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a[")]
    [InlineData("a[]")]
    [InlineData("[z-a]")]
    [InlineData("a\\")]
    public void Bad_globs_are_refused(string pattern)
    {
        Assert.False(PolicyGlob.TryParse(pattern, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
