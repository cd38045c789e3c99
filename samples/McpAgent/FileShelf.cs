using System.Collections.Concurrent;

namespace McpAgent;

/// <summary>An in-memory file store standing in for a real one, recording what was shared and deleted.</summary>
public sealed class FileShelf
{
    private readonly ConcurrentDictionary<string, byte> _files = new(StringComparer.Ordinal)
    {
        ["/finance/q3-report.pdf"] = 0,
        ["/finance/payroll.xlsx"] = 0,
    };

    /// <summary>Gets what was shared, as <c>path → recipient</c>.</summary>
    public ConcurrentQueue<string> Shared { get; } = new();

    /// <summary>Lists the files under <paramref name="folder"/>.</summary>
    public IEnumerable<string> List(string folder) =>
        _files.Keys.Where(f => f.StartsWith(folder.TrimEnd('/') + "/", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    /// <summary>Shares a file.</summary>
    public void Share(string path, string recipient) => Shared.Enqueue($"{path} → {recipient}");

    /// <summary>Deletes a folder.</summary>
    public void Delete(string folder)
    {
        foreach (var file in List(folder).ToList())
        {
            _files.TryRemove(file, out _);
        }
    }

    /// <summary>Gets whether the file exists.</summary>
    public bool Exists(string path) => _files.ContainsKey(path);
}
