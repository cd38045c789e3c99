using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Tests.Interception;

public sealed class ExceptionPropagationTests : IDisposable
{
    private readonly TestContainer _container = new(static s => s.AddGuardedScoped<IFailing, Failing>());

    public void Dispose() => _container.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Synchronous_target_exception_propagates_unwrapped_with_its_stack(bool guardCompletesAsynchronously)
    {
        _container.Guard.CompleteAsynchronously = guardCompletesAsynchronously;

        var ex = Assert.Throws<InvalidOperationException>(() => _container.Get<IFailing>().Fail());

        Assert.Equal("target failed", ex.Message);
        Assert.Contains($"{nameof(Failing)}.{nameof(Failing.Fail)}()", ex.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asynchronous_target_exception_propagates_unwrapped_with_its_stack()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => _container.Get<IFailing>().FailAsync());

        Assert.Equal("target failed async", ex.Message);
        Assert.Contains($"{nameof(Failing)}.{nameof(Failing.FailAsync)}()", ex.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public void Pass_through_target_exception_propagates_unwrapped_with_its_stack()
    {
        var ex = Assert.Throws<FormatException>(() => _container.Get<IFailing>().FailUnguarded());

        Assert.Contains($"{nameof(Failing)}.{nameof(Failing.FailUnguarded)}()", ex.StackTrace, StringComparison.Ordinal);
        Assert.Empty(_container.Guard.Actions);
    }

    [Fact]
    public void Guard_exception_is_never_wrapped_in_TargetInvocationException()
    {
        _container.Guard.Behavior = GuardBehavior.Deny;

        var ex = Record.Exception(() => _container.Get<IFailing>().Fail());

        Assert.IsType<ActionDeniedException>(ex);
        Assert.IsNotType<TargetInvocationException>(ex);
        Assert.Equal("IFailing.Fail", ((ActionDeniedException)ex).ActionName);
    }
}
