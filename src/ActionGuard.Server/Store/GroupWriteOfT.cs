using ActionGuard.Server.Audit;

namespace ActionGuard.Server.Store;

/// <summary>A queued write transaction with a result.</summary>
/// <typeparam name="TSession">What the store's writes run on.</typeparam>
/// <typeparam name="T">The write's result.</typeparam>
internal sealed class GroupWrite<TSession, T> : GroupWrite<TSession>
{
    private readonly Func<TSession, ValueTask<(T Result, IReadOnlyList<AuditEntry> Audit)>> _work;
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _cancellation;
    private T _result = default!;

    public GroupWrite(Func<TSession, ValueTask<(T Result, IReadOnlyList<AuditEntry> Audit)>> work)
    {
        _work = work;
    }

    public override async ValueTask<IReadOnlyList<AuditEntry>> RunAsync(TSession session)
    {
        try
        {
            var (result, audit) = await _work(session).ConfigureAwait(false);
            _result = result;
            return audit;
        }
        catch (Exception ex)
        {
            throw new GroupWriteFault(this, ex);
        }
    }

    public override void Complete()
    {
        _cancellation.Unregister();
        _completion.TrySetResult(_result);
    }

    public override void Fail(Exception exception)
    {
        _cancellation.Unregister();
        _completion.TrySetException(exception);
    }

    /// <summary>The caller's wait: cancelling it withdraws the write while no leader has taken it.</summary>
    public Task<T> WaitAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled && !_completion.Task.IsCompleted)
        {
            _cancellation = cancellationToken.UnsafeRegister(
                static (state, token) =>
                {
                    var write = (GroupWrite<TSession, T>)state!;
                    if (write.TryAbandon())
                    {
                        write._completion.TrySetCanceled(token);
                    }
                },
                this);
            if (_completion.Task.IsCompleted)
            {
                _cancellation.Unregister();
            }
        }

        return _completion.Task;
    }
}
