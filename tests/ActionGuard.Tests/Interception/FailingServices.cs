using System.Runtime.CompilerServices;

namespace ActionGuard.Tests.Interception;

public interface IFailing
{
    [RequiresApproval(ActionKind.DataExport)]
    void Fail();

    [RequiresApproval(ActionKind.DataExport)]
    Task FailAsync();

    int FailUnguarded();
}

public sealed class Failing : IFailing
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Fail() => throw new InvalidOperationException("target failed");

    public async Task FailAsync()
    {
        await Task.Yield();
        throw new InvalidOperationException("target failed async");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public int FailUnguarded() => throw new FormatException("unguarded failed");
}
