using System.Collections.Concurrent;

namespace ActionGuard.Tests.EndToEnd;

/// <summary>What the guarded targets actually ran, with the arguments they received.</summary>
public sealed class ExportLog
{
    private readonly ConcurrentQueue<string> _calls = new();

    public IReadOnlyList<string> Calls => [.. _calls];

    public int Count => _calls.Count;

    public void Add(string call) => _calls.Enqueue(call);
}
