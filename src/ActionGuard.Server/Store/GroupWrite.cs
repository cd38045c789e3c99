using ActionGuard.Server.Audit;

namespace ActionGuard.Server.Store;

/// <summary>One write transaction queued for a <see cref="GroupCommit{TSession}"/>.</summary>
/// <typeparam name="TSession">What the store's writes run on: its connection and transaction.</typeparam>
internal abstract class GroupWrite<TSession>
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Abandoned = 2;

    private int _state;

    /// <summary>
    /// Runs the write on <paramref name="session"/> and returns the audit records it appends; a write that throws is
    /// reported as a <see cref="GroupWriteFault"/> naming it, so the batch can go on without it.
    /// </summary>
    public abstract ValueTask<IReadOnlyList<AuditEntry>> RunAsync(TSession session);

    /// <summary>Hands the result of the last run to the waiting caller: its transaction committed.</summary>
    public abstract void Complete();

    /// <summary>Fails the waiting caller with <paramref name="exception"/>.</summary>
    public abstract void Fail(Exception exception);

    /// <summary>A leader takes the write into a batch, unless its caller gave up waiting first.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

    /// <summary>The caller gives up, unless a leader already took the write (then it commits and the caller is told).</summary>
    protected bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued;
}
