namespace ActionGuard.Benchmarks.Infrastructure;

internal static class Completed
{
    /// <summary>The result of a value task that, in these benchmarks, has always completed already.</summary>
    public static T Result<T>(ValueTask<T> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
}
