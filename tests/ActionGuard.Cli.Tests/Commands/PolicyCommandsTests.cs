using ActionGuard.Cli.Tests.TestSupport;

namespace ActionGuard.Cli.Tests.Commands;

public sealed class PolicyCommandsTests : IDisposable
{
    private const string Policy = """
        {"rules": [
          { "name": "no-prod-permission-changes", "kind": "permission_change", "environment": "prod",
            "effect": "deny", "message": "Permission changes in prod are not allowed." },
          { "name": "large-exports", "kind": "data_export", "arguments": { "rows": "> 10000" },
            "effect": "require_approval", "minApprovals": 2, "approverGroups": [ "data-governance" ] },
          { "name": "internal-exports", "kind": "data_export", "destination": "s3://internal-*", "effect": "allow" }
        ]}
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("ag-cli-policy-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Policy_test_prints_the_matching_rule_and_each_condition()
    {
        var file = Write("actionguard.policy.json", Policy);

        var result = await CliRunner.RunAsync("policy", "test", file, "--kind", "data_export", "--name", "X", "--resource", "R",
            "--destination", "s3://internal-a", "--environment", "prod", "--agent", "A", "--data-class", "email=1200", "--arg", "rows=20000");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.Split('\n');
        Assert.Contains("rule 1 'no-prod-permission-changes' (deny): no match", lines);
        Assert.Contains("    kind matches 'permission_change': data_export -> false", lines);
        Assert.Contains("    environment matches 'prod': prod -> true", lines);
        Assert.Contains("rule 2 'large-exports' (require_approval): MATCH", lines);
        Assert.Contains("    arguments.rows > 10000: 20000 -> true", lines);
        Assert.Contains("result: rule 'large-exports' matched -> require_approval (minApprovals 2, approverGroups [data-governance])", lines);
        Assert.DoesNotContain("internal-exports", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_test_shows_unknown_arguments_and_the_servers_conservative_reading()
    {
        var file = Write("p.json", Policy);

        var result = await CliRunner.RunAsync("policy", "test", file, "--kind", "data_export", "--name", "X", "--destination", "s3://internal-a");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("rule 2 'large-exports' (require_approval): might match (unknown facts)", result.Out, StringComparison.Ordinal);
        Assert.Contains("    arguments.rows > 10000: (unknown) -> unknown", result.Out, StringComparison.Ordinal);
        Assert.Contains("result: rule 'internal-exports' matched -> allow", result.Out, StringComparison.Ordinal);
        Assert.Contains("server (unknown facts resolved conservatively): rule 'large-exports'", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_test_exits_1_when_no_rule_matches()
    {
        var file = Write("p.json", Policy);

        var result = await CliRunner.RunAsync("policy", "test", file, "--kind", "infrastructure_mutation", "--name", "X");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("result: no rule matched", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_test_reports_a_bad_file_with_line_and_column()
    {
        var file = Write("bad.json", "{\"rules\": [\n  {\"name\": \"a\", \"effect\": \"perhaps\"}]}");

        var result = await CliRunner.RunAsync("policy", "test", file, "--kind", "data_export", "--name", "X");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: {file}(2,27): unknown effect 'perhaps'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_test_refuses_a_malformed_data_class_as_usage()
    {
        var file = Write("p.json", Policy);

        var result = await CliRunner.RunAsync("policy", "test", file, "--kind", "data_export", "--name", "X", "--data-class", "email");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--data-class 'email' must be NAME=NUMBER", result.Error, StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
