using System.Buffers;

namespace ActionGuard.Hashing;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over arrays rented from <see cref="ArrayPool{T}.Shared"/>. One instance per thread
/// is cached, so the hashing and redaction hot paths allocate neither the writer nor its buffer.
/// </summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int InitialCapacity = 1024;

    // Buffers above this size go back to the pool instead of staying with the cached writer.
    private const int MaxRetainedCapacity = 64 * 1024;

    [ThreadStatic]
    private static PooledBufferWriter? t_cached;

    private byte[] _buffer;
    private int _written;

    private PooledBufferWriter()
    {
        _buffer = ArrayPool<byte>.Shared.Rent(InitialCapacity);
    }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    /// <summary>Takes the thread's cached writer (or a new one); <see cref="Dispose"/> gives it back.</summary>
    public static PooledBufferWriter Rent()
    {
        PooledBufferWriter? writer = t_cached;
        if (writer is null)
        {
            return new PooledBufferWriter();
        }

        // Taken out of the slot while in use, so a re-entrant caller (a custom converter that hashes) gets its own.
        t_cached = null;
        return writer;
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _written);
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Clears what was written and returns the writer to the thread's cache.</summary>
    public void Dispose()
    {
        // Written bytes may be full argument values (secrets): wipe them before the array is reused elsewhere.
        _buffer.AsSpan(0, _written).Clear();
        _written = 0;
        if (_buffer.Length > MaxRetainedCapacity)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(InitialCapacity);
        }

        t_cached = this;
    }

    private void Ensure(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= sizeHint)
        {
            return;
        }

        int required = checked(_written + sizeHint);
        int newSize = Math.Max(required, checked(_buffer.Length * 2));
        byte[] bigger = ArrayPool<byte>.Shared.Rent(newSize);
        _buffer.AsSpan(0, _written).CopyTo(bigger);
        _buffer.AsSpan(0, _written).Clear();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
