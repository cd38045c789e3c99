using ActionGuard.Hashing;

namespace ActionGuard.Tests.Hashing;

public sealed class AllocationTests
{
    private static readonly byte[] Nonce = new byte[16];

    internal static readonly GuardedAction Action = new(ActionKind.DataExport, "CustomerExporter.ExportAsync")
    {
        Resource = "s3://exports/customers.csv",
        Destination = "partner-sftp",
        Arguments =
        [
            new("customerId", 1204L),
            new("format", "csv"),
            new("since", new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            new("apiKey", "sk-live-0123456789", IsSensitive: true),
            new("dryRun", false),
        ],
    };

    [Fact]
    public void Hashing_primitive_arguments_allocates_little_more_than_the_result()
    {
        var hasher = new ActionHasher(null);
        long allocated = Measure(() => hasher.ComputeHash(Action, "prod", Nonce));

        // The 71-character result string is 168 bytes; boxing the arguments is the caller's.
        Assert.True(allocated <= 200, $"hash {allocated} bytes");
    }

    [Fact]
    public void Recomputing_an_unchanged_hash_returns_the_same_string_and_allocates_nothing()
    {
        var hasher = new ActionHasher(null);
        var hash = hasher.ComputeHash(Action, "prod", Nonce);

        Assert.Same(hash, hasher.Recompute(Action, "prod", Nonce, hash));
        long allocated = Measure(() => hasher.Recompute(Action, "prod", Nonce, hash));

        // Boxing the arguments is the caller's; the comparison itself uses the stack.
        Assert.True(allocated <= 32, $"recompute {allocated} bytes");
    }

    [Fact]
    public void Recomputing_after_a_change_returns_the_new_hash()
    {
        var hasher = new ActionHasher(null);
        var hash = hasher.ComputeHash(Action, "prod", Nonce);
        var changed = new GuardedAction(ActionKind.DataExport, Action.Name) { Resource = Action.Resource, Destination = Action.Destination, Arguments = Action.Arguments.Skip(1).ToArray() };

        var recomputed = hasher.Recompute(changed, "prod", Nonce, hash);

        Assert.NotEqual(hash, recomputed);
        Assert.Equal(hasher.ComputeHash(changed, "prod", Nonce), recomputed);
        Assert.Equal(hasher.ComputeHash(Action, "staging", Nonce), hasher.Recompute(Action, "staging", Nonce, hash));

        // Exact comparison: a hash that differs only in case is not the same hash.
        var upper = hash.ToUpperInvariant();
        Assert.Equal(hash, hasher.Recompute(Action, "prod", Nonce, upper));
    }

    internal static long Measure(Func<object> operation)
    {
        for (int i = 0; i < 100; i++)
        {
            operation();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        const int Iterations = 100;
        for (int i = 0; i < Iterations; i++)
        {
            operation();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Iterations;
    }
}
