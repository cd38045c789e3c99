using System.ComponentModel;
using ActionGuard.Classification;
using ModelContextProtocol.Server;

namespace ActionGuard.Mcp.Tests.TestSupport;

/// <summary>What the tools did, shared across the per-call tool instances the MCP server creates.</summary>
internal sealed class ToolRuns
{
    private readonly List<string> _runs = [];

    public IReadOnlyList<string> All
    {
        get
        {
            lock (_runs)
            {
                return [.. _runs];
            }
        }
    }

    public void Add(string run)
    {
        lock (_runs)
        {
            _runs.Add(run);
        }
    }
}

[McpServerToolType]
internal sealed class FileTools(ToolRuns runs)
{
    [McpServerTool(Name = "share_file"), Description("Shares a file with an outside address.")]
    [RequiresApproval(ActionKind.DataExport, Resource = "files://{path}", Destination = "mailto:{recipient}")]
    public string ShareFile(string path, string recipient, [Sensitive] string signingKey)
    {
        runs.Add($"share {path} with {recipient}");
        return $"shared {path}";
    }

    [McpServerTool(Name = "wipe_volume", Destructive = true), Description("Wipes a volume.")]
    public string WipeVolume(string volume)
    {
        runs.Add($"wipe {volume}");
        return $"wiped {volume}";
    }

    [McpServerTool(Name = "list_files", ReadOnly = true), Description("Lists files.")]
    public string ListFiles(string folder)
    {
        runs.Add($"list {folder}");
        return "a.txt, b.txt";
    }
}
