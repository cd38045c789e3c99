using System.ComponentModel;
using ActionGuard;
using ModelContextProtocol.Server;

namespace McpAgent;

/// <summary>The MCP server's tools. The ones that share data or destroy it wait for a person; listing does not.</summary>
[McpServerToolType]
public sealed class FileTools(FileShelf shelf)
{
    /// <summary>Lists the files in a folder.</summary>
    [McpServerTool(Name = "list_files", ReadOnly = true), Description("Lists the files in a folder.")]
    public string ListFiles(string folder) => string.Join(", ", shelf.List(folder));

    /// <summary>Shares a file with an outside address.</summary>
    [McpServerTool(Name = "share_file"), Description("Shares a file with an outside e-mail address.")]
    [RequiresApproval(ActionKind.DataExport, Resource = "files://{path}", Destination = "mailto:{recipient}")]
    public string ShareFile(string path, string recipient)
    {
        shelf.Share(path, recipient);
        return $"shared {path} with {recipient}";
    }

    /// <summary>Deletes a folder and everything in it.</summary>
    [McpServerTool(Name = "delete_folder", Destructive = true), Description("Deletes a folder and everything in it.")]
    public string DeleteFolder(string folder)
    {
        shelf.Delete(folder);
        return $"deleted {folder}";
    }
}
