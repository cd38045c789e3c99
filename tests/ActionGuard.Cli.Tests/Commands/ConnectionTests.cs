using System.Net;
using System.Net.Sockets;
using System.Text;
using ActionGuard.Cli.Backend;
using ActionGuard.Cli.Tests.TestSupport;

namespace ActionGuard.Cli.Tests.Commands;

// Where the server and token come from, and what each failure prints and returns.
public sealed class ConnectionTests
{
    [Theory]
    [InlineData("approvals", "list")]
    [InlineData("approve", "some-id")]
    [InlineData("deny", "some-id", "--reason", "no")]
    [InlineData("audit", "export")]
    [InlineData("audit", "verify")]
    public async Task A_missing_token_is_a_usage_error_that_says_where_a_token_comes_from(params string[] args)
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["ACTIONGUARD_SERVER"] = "http://127.0.0.1:9" }, args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no token", result.Error);
        Assert.Contains("--token", result.Error);
        Assert.Contains("ACTIONGUARD_TOKEN", result.Error);
    }

    [Fact]
    public async Task Options_take_precedence_over_environment_variables()
    {
        await using var server = await CliServer.StartAsync();
        var token = await server.TokenAsync("alice", "approvers");
        var variables = new Dictionary<string, string?> { ["ACTIONGUARD_SERVER"] = "http://127.0.0.1:9", ["ACTIONGUARD_TOKEN"] = "not-a-token" };

        var result = await CliRunner.RunAsync(variables, "approvals", "list", "--server", server.BaseAddress.AbsoluteUri, "--token", token);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("No pending approvals.", result.Out);
    }

    [Fact]
    public async Task A_token_the_server_does_not_accept_is_refused_with_a_hint()
    {
        await using var server = await CliServer.StartAsync();

        var result = await server.RunAsync("not-a-token", "approvals", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("(401 unauthorized)", result.Error);
        Assert.Contains("hint:", result.Error);
    }

    [Fact]
    public async Task An_unreachable_server_exits_with_3()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var result = await CliRunner.RunAsync("approvals", "list", "--server", $"http://127.0.0.1:{port}", "--token", "t");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("cannot reach the ActionGuard server", result.Error);
    }

    [Theory]
    [InlineData("approve")]
    [InlineData("frobnicate")]
    [InlineData("approvals", "list", "--status", "weird")]
    public async Task Bad_arguments_exit_with_2_and_point_to_help(params string[] args)
    {
        var result = await CliRunner.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--help", result.Error);
    }

    [Fact]
    public void Problem_details_are_printed_as_title_detail_and_field_errors()
    {
        var body = Encoding.UTF8.GetBytes("""
            {"type":"https://actionguard.dev/problems/validation","title":"The request is not valid","status":400,
             "detail":"See 'errors' for the fields at fault: reason.","errors":{"reason":["reason is required for deny."]}}
            """);

        var text = BackendClient.DescribeError(HttpStatusCode.BadRequest, body);

        Assert.Equal(
            "error: The request is not valid (400 validation)\n  See 'errors' for the fields at fault: reason.\n  reason: reason is required for deny.",
            text);
    }
}
