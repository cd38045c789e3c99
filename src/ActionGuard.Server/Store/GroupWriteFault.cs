namespace ActionGuard.Server.Store;

/// <summary>One write of a group commit threw; the batch was rolled back and goes on without it.</summary>
internal sealed class GroupWriteFault : Exception
{
    public GroupWriteFault(object write, Exception inner)
        : base("A write of the batch failed.", inner)
    {
        Write = write;
    }

    /// <summary>The write that threw (a <see cref="GroupWrite{TSession}"/>).</summary>
    public object Write { get; }
}
