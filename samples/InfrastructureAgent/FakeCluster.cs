using System.Collections.Concurrent;

namespace InfrastructureAgent;

/// <summary>A pretend cluster that only changes its own state, so the sample is safe to run anywhere.</summary>
public sealed class FakeCluster
{
    private readonly ConcurrentDictionary<string, int> _workloads = new(StringComparer.Ordinal)
    {
        ["shop/checkout"] = 3,
        ["shop/search"] = 2,
        ["shop/orders-db"] = 1,
    };

    /// <summary>Gets what ran, in order.</summary>
    public ConcurrentQueue<string> Ran { get; } = new();

    /// <summary>Gets the replica count of <c>ns/workload</c>, or <see langword="null"/> when it does not exist.</summary>
    public int? ReplicasOf(string ns, string workload) => _workloads.TryGetValue(Key(ns, workload), out var replicas) ? replicas : null;

    /// <summary>Gets the workloads of a namespace.</summary>
    public IReadOnlyDictionary<string, int> List(string ns) =>
        _workloads.Where(w => w.Key.StartsWith(ns + "/", StringComparison.Ordinal))
                  .OrderBy(w => w.Key, StringComparer.Ordinal)
                  .ToDictionary(w => w.Key[(ns.Length + 1)..], w => w.Value, StringComparer.Ordinal);

    internal void Scale(string ns, string workload, int replicas)
    {
        _workloads[Key(ns, workload)] = replicas;
        Ran.Enqueue($"scale {ns}/{workload} to {replicas}");
    }

    internal void Delete(string ns, string workload)
    {
        _workloads.TryRemove(Key(ns, workload), out _);
        Ran.Enqueue($"delete {ns}/{workload}");
    }

    internal void Recycle(string pool, int maxUnavailable) => Ran.Enqueue($"recycle node pool {pool} (max {maxUnavailable} unavailable)");

    private static string Key(string ns, string workload) => ns + "/" + workload;
}
