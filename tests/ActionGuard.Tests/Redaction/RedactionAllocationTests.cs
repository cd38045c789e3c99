using ActionGuard.Redaction;
using ActionGuard.Tests.Hashing;

namespace ActionGuard.Tests.Redaction;

public sealed class RedactionAllocationTests
{
    [Fact]
    public void Redacting_primitive_arguments_stays_small()
    {
        var redactor = new ArgumentRedactor(new RedactionOptions(), null);
        long allocated = AllocationTests.Measure(() => redactor.Redact(AllocationTests.Action.Arguments));

        // One JsonDocument for all values plus two small arrays; no per-argument documents, no hash table.
        Assert.True(allocated <= 1024, $"redact {allocated} bytes");
    }
}
