using ActionGuard.Policy;

namespace ActionGuard.Tests.Policy;

// URL-shaped fields are matched as URLs compare: scheme and host without case, no surrounding white space.
public sealed class PolicyUrlMatchingTests
{
    private static readonly PolicyEvaluator Policy = new(PolicyDocument.Parse("""
        {
          "version": 1,
          "rules": [
            { "name": "no-plain-http", "destination": "http://*", "effect": "deny", "message": "plain http" },
            { "name": "partner-bucket", "destination": "S3://Partner-Drop/*", "effect": "require_approval", "minApprovals": 2 },
            { "name": "crm", "resource": "crm://customers/*", "effect": "allow" }
          ]
        }
        """));

    private static string? Matched(string? destination = null, string? resource = null) =>
        Policy.Evaluate(new PolicyFacts { Kind = "data_export", ActionName = "Exporter.Export", Destination = destination, Resource = resource }).MatchedRule?.Name;

    [Theory]
    [InlineData("http://plain.example.com")]
    [InlineData("HTTP://plain.example.com")]
    [InlineData("Http://Plain.Example.com/x")]
    [InlineData(" http://plain.example.com")]
    [InlineData("\thttp://plain.example.com\n")]
    [InlineData("\u00a0http://plain.example.com")]
    [InlineData("\u0000http://plain.example.com")]
    public void A_deny_rule_on_a_scheme_catches_every_spelling_of_it(string destination) =>
        Assert.Equal("no-plain-http", Matched(destination));

    [Theory]
    [InlineData("https://plain.example.com")]
    [InlineData("httpx://plain.example.com")]
    [InlineData("ftp://http://x")]
    public void Other_schemes_do_not_match(string destination) =>
        Assert.Null(Matched(destination));

    [Fact]
    public void A_pattern_written_with_capitals_matches_the_same_url_in_any_case_but_paths_keep_their_case()
    {
        Assert.Equal("partner-bucket", Matched("s3://partner-drop/q3.csv"));
        Assert.Equal("partner-bucket", Matched("S3://PARTNER-DROP/q3.csv"));
        Assert.Equal("crm", Matched(resource: " CRM://Customers/emea"));
        Assert.Null(Matched(resource: "crm://customers")); // no path: the pattern wants one
        Assert.Null(Matched(resource: "crm://other/Customers/x"));
    }

    [Theory]
    [InlineData("HTTP://Example.COM/Path?Q=A#F", "http://example.com/Path?Q=A#F")]
    [InlineData("  s3://Bucket  ", "s3://bucket")]
    [InlineData("mailto:Ada@Example.com", "mailto:Ada@Example.com")]
    [InlineData("not a url", "not a url")]
    [InlineData("dataset://Customers.csv/Part", "dataset://customers.csv/Part")]
    public void The_matching_form_lowers_scheme_and_host_only(string value, string expected) =>
        Assert.Equal(expected, PolicyUrl.Normalize(value));
}
