using System.Text.Json;
using ActionGuard.Mcp.Tests.TestSupport;
using ActionGuard.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Mcp.Tests.Server;

public sealed class GuardedMcpServerToolTests
{
    private static readonly Dictionary<string, object?> ShareArguments = new()
    {
        ["path"] = "/finance/q3.xlsx",
        ["recipient"] = "auditor@partner.example",
        ["signingKey"] = "k-123456",
    };

    [Fact]
    public async Task Attributed_tool_runs_once_after_approval_and_the_client_gets_its_result()
    {
        await using var mcp = await McpHarness.StartAsync();
        mcp.Backend.RespondWith(ApprovalScript.Approve("alice@example.com"));

        var result = await mcp.Client.CallToolAsync("share_file", ShareArguments);

        Assert.NotEqual(true, result.IsError);
        Assert.Contains("shared /finance/q3.xlsx", McpHarness.Text(result), StringComparison.Ordinal);
        Assert.Equal(["share /finance/q3.xlsx with auditor@partner.example"], mcp.Runs.All);
        var request = Assert.Single(mcp.Backend.Requests).Request;
        Assert.Equal(ActionKind.DataExport, request.Action.Kind);
        Assert.Equal("FileTools.ShareFile", request.Action.Name);
        Assert.Equal("files:///finance/q3.xlsx", request.Action.Resource);
        Assert.Equal("mailto:auditor@partner.example", request.Action.Destination);
        Assert.Single(mcp.Backend.Claims);
    }

    [Fact]
    public async Task Sensitive_parameter_of_an_MCP_tool_never_reaches_the_backend()
    {
        await using var mcp = await McpHarness.StartAsync();
        mcp.Backend.RespondWith(ApprovalScript.Approve("alice@example.com"));

        await mcp.Client.CallToolAsync("share_file", ShareArguments);

        var request = Assert.Single(mcp.Backend.Requests).Request;
        Assert.Equal("[sensitive]", request.Arguments["signingKey"].GetString());
        Assert.Equal("/finance/q3.xlsx", request.Arguments["path"].GetString());
        Assert.DoesNotContain("k-123456", JsonSerializer.Serialize(request.Arguments), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Denied_call_is_an_error_result_with_the_reason_and_never_runs()
    {
        await using var mcp = await McpHarness.StartAsync();
        mcp.Backend.RespondWith(ApprovalScript.Deny("alice@example.com", "finance files stay inside"));

        var result = await mcp.Client.CallToolAsync("share_file", ShareArguments);

        Assert.True(result.IsError);
        Assert.Contains("finance files stay inside", McpHarness.Text(result), StringComparison.Ordinal);
        Assert.Empty(mcp.Runs.All);
    }

    [Fact]
    public async Task Backend_fault_is_an_error_result_and_the_tool_never_runs()
    {
        await using var mcp = await McpHarness.StartAsync();
        mcp.Backend.RespondWith(ApprovalScript.Fail());

        var result = await mcp.Client.CallToolAsync("share_file", ShareArguments);

        Assert.True(result.IsError);
        Assert.Contains("did not run", McpHarness.Text(result), StringComparison.Ordinal);
        Assert.Empty(mcp.Runs.All);
    }

    [Fact]
    public async Task Tampered_token_is_refused_and_the_tool_never_runs()
    {
        await using var mcp = await McpHarness.StartAsync();
        mcp.Backend.RespondWith(ApprovalScript.Approve("alice@example.com"));
        mcp.Backend.OnIssuingToken(c => c.ActionHash = "sha256:" + new string('1', 64));

        var result = await mcp.Client.CallToolAsync("share_file", ShareArguments);

        Assert.True(result.IsError);
        Assert.Contains(nameof(ApprovalVerificationException), McpHarness.Text(result), StringComparison.Ordinal);
        Assert.Empty(mcp.Runs.All);
    }

    [Fact]
    public async Task Destructive_tool_is_guarded_only_when_asked()
    {
        await using (var plain = await McpHarness.StartAsync())
        {
            await plain.Client.CallToolAsync("wipe_volume", new Dictionary<string, object?> { ["volume"] = "vol-1" });
            Assert.Equal(["wipe vol-1"], plain.Runs.All);
            Assert.Empty(plain.Backend.Requests);
        }

        await using var guarded = await McpHarness.StartAsync(o => o.GuardDestructiveTools = true);
        guarded.Backend.RespondWith(ApprovalScript.Deny("alice@example.com", "not in business hours"));

        var result = await guarded.Client.CallToolAsync("wipe_volume", new Dictionary<string, object?> { ["volume"] = "vol-1" });

        Assert.True(result.IsError);
        Assert.Empty(guarded.Runs.All);
        Assert.Equal(ActionKind.InfrastructureMutation, Assert.Single(guarded.Backend.Requests).Request.Action.Kind);
    }

    [Fact]
    public async Task Read_only_tool_runs_without_a_request()
    {
        await using var mcp = await McpHarness.StartAsync();

        var result = await mcp.Client.CallToolAsync("list_files", new Dictionary<string, object?> { ["folder"] = "/" });

        Assert.Contains("a.txt", McpHarness.Text(result), StringComparison.Ordinal);
        Assert.Empty(mcp.Backend.Requests);
    }

    [Fact]
    public async Task Tool_named_in_the_options_is_guarded_with_its_templates()
    {
        await using var mcp = await McpHarness.StartAsync(o => o.Tools.Guard("list_files", "files.list", t => t.Resource = "files://{folder}"));
        mcp.Backend.RespondWith(ApprovalScript.Approve("alice@example.com"));

        await mcp.Client.CallToolAsync("list_files", new Dictionary<string, object?> { ["folder"] = "/hr" });

        var request = Assert.Single(mcp.Backend.Requests).Request;
        Assert.Equal("files.list", request.Action.Kind);
        Assert.Equal("files:///hr", request.Action.Resource);
        Assert.Equal(["list /hr"], mcp.Runs.All);
    }

    [Fact]
    public async Task Without_the_guard_the_same_call_runs_unasked()
    {
        // The control: the server without WithActionGuard runs the share at once.
        await using var mcp = await McpHarness.StartAsync(guarded: false);

        await mcp.Client.CallToolAsync("share_file", ShareArguments);

        Assert.Single(mcp.Runs.All);
        Assert.Empty(mcp.Backend.Requests);
    }

    [Fact]
    public async Task Remote_tool_is_guarded_on_the_agent_side_before_the_call_leaves_the_process()
    {
        // The agent's own ActionGuard guards the MCP client tool; the server has no guard of its own here.
        await using var mcp = await McpHarness.StartAsync(guarded: false);
        using var agentSide = new InMemoryApprovalBackend();
        agentSide.RespondWith(ApprovalScript.Deny("alice@example.com", "no sharing from agents"));
        var services = new ServiceCollection();
        services.AddActionGuard(o => o.AgentId = "agent").UseInMemoryBackend(agentSide);
        await using var provider = services.BuildServiceProvider();
        var tools = await mcp.Client.ListToolsAsync();
        var share = tools.Single(t => t.Name == "share_file")
            .WithActionGuard(ActionKind.DataExport, o =>
            {
                o.Destination = "mailto:{recipient}";
                o.SensitiveArguments.Add("signingKey");
            });

        var result = await share.InvokeAsync(new AIFunctionArguments(ShareArguments) { Services = provider });

        Assert.Contains("no sharing from agents", result?.ToString(), StringComparison.Ordinal);
        Assert.Empty(mcp.Runs.All);
        Assert.Equal("mailto:auditor@partner.example", Assert.Single(agentSide.Requests).Request.Action.Destination);
    }
}
