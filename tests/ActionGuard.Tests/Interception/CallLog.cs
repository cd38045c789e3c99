using System.Collections.Concurrent;

namespace ActionGuard.Tests.Interception;

/// <summary>Shared by test implementations (injected by the container) to record what actually ran.</summary>
public sealed class CallLog
{
    private readonly ConcurrentQueue<string> _calls = new();
    private readonly ConcurrentQueue<CancellationToken> _tokens = new();

    public IReadOnlyList<string> Calls => [.. _calls];

    public IReadOnlyList<CancellationToken> Tokens => [.. _tokens];

    private int _created;
    private int _disposed;

    public int Created => Volatile.Read(ref _created);

    public int Disposed => Volatile.Read(ref _disposed);

    public void OnCreated() => Interlocked.Increment(ref _created);

    public void OnDisposed() => Interlocked.Increment(ref _disposed);

    public void Add(string call) => _calls.Enqueue(call);

    public void Add(string call, CancellationToken token)
    {
        _calls.Enqueue(call);
        _tokens.Enqueue(token);
    }
}
