using McpAgent;

namespace ActionGuard.Samples.Tests.McpAgent;

// The MCP sample end to end: a real MCP server and client over in-process pipes, a Microsoft.Extensions.AI agent.
public sealed class McpStoryTests
{
    [Fact]
    public async Task The_sample_runs_and_its_own_checks_hold()
    {
        using var output = new StringWriter();

        var exitCode = await McpStory.RunAsync(output);

        Assert.True(exitCode == 0, output.ToString());
        Assert.Contains("✓ delete_folder never ran", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(McpStory.DenyReason, output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("✗", output.ToString(), StringComparison.Ordinal);
    }
}
