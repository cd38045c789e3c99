using System.Diagnostics.CodeAnalysis;

namespace ActionGuard.Interception;

/// <summary>
/// The decorator of a disposable implementation. The container only tracks the object the factory returned, so the
/// decorator disposes the implementation it created when the container disposes it.
/// </summary>
/// <remarks>DispatchProxy derives the proxy type from this class, so it cannot be sealed.</remarks>
[SuppressMessage("Performance", "CA1852:Seal internal types", Justification = "DispatchProxy derives the proxy type from this class.")]
internal class DisposableGuardedProxy : GuardedProxy, IDisposable, IAsyncDisposable
{
    private int _disposed;

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        switch (Target)
        {
            case IDisposable disposable:
                disposable.Dispose();
                break;
            case IAsyncDisposable asyncDisposable:
                // Only reached when the scope is disposed synchronously; the container would refuse an
                // async-only service there, the decorator blocks instead.
                asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
                break;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        switch (Target)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
