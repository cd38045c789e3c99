using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Tests.Interception;

public sealed class ReturnShapeInterceptionTests : IDisposable
{
    private readonly TestContainer _container = new(static s => s.AddGuardedScoped<IShapes, Shapes>());

    private IShapes Shapes => _container.Get<IShapes>();

    public void Dispose() => _container.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Void_method_runs_once_after_approval_with_its_arguments(bool guardCompletesAsynchronously)
    {
        _container.Guard.CompleteAsynchronously = guardCompletesAsynchronously;

        Shapes.Restart("web-1");

        Assert.Equal(["Restart(web-1)"], _container.Log.Calls);
        Assert.Equal(ActionKind.InfrastructureMutation, _container.Guard.SingleAction.Kind);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Void_method_never_runs_when_denied(bool guardCompletesAsynchronously)
    {
        _container.Guard.CompleteAsynchronously = guardCompletesAsynchronously;
        _container.Guard.Behavior = GuardBehavior.Deny;

        var ex = Assert.Throws<ActionDeniedException>(() => Shapes.Restart("web-1"));

        Assert.Equal("not today", ex.Reason);
        Assert.Empty(_container.Log.Calls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Value_method_returns_the_target_result_after_approval(bool guardCompletesAsynchronously)
    {
        _container.Guard.CompleteAsynchronously = guardCompletesAsynchronously;

        var result = Shapes.Grant("bob", "admin");

        Assert.Equal(42, result);
        Assert.Equal(["Grant(bob,admin)"], _container.Log.Calls);
    }

    [Fact]
    public void Value_method_never_runs_when_denied()
    {
        _container.Guard.Behavior = GuardBehavior.Deny;

        Assert.Throws<ActionDeniedException>(() => Shapes.Grant("bob", "admin"));

        Assert.Empty(_container.Log.Calls);
    }

    [Fact]
    public async Task Task_method_runs_once_after_approval()
    {
        _container.Guard.CompleteAsynchronously = true;

        await Shapes.ExportAsync("exports", CancellationToken.None);

        Assert.Equal(["ExportAsync(exports)"], _container.Log.Calls);
    }

    [Fact]
    public async Task Task_method_never_runs_when_denied()
    {
        _container.Guard.Behavior = GuardBehavior.Deny;

        var task = Shapes.ExportAsync("exports", CancellationToken.None);
        await Assert.ThrowsAsync<ActionDeniedException>(() => task);

        Assert.Empty(_container.Log.Calls);
    }

    [Fact]
    public async Task Task_of_string_method_returns_the_target_result_after_approval()
    {
        _container.Guard.CompleteAsynchronously = true;

        var result = await Shapes.ExportToAsync("exports", 12, CancellationToken.None);

        Assert.Equal("12 rows to exports", result);
        Assert.Equal(["ExportToAsync(exports,12)"], _container.Log.Calls);
    }

    [Fact]
    public async Task Task_of_string_method_never_runs_when_denied()
    {
        _container.Guard.Behavior = GuardBehavior.Deny;

        await Assert.ThrowsAsync<ActionDeniedException>(() => Shapes.ExportToAsync("exports", 12, CancellationToken.None));

        Assert.Empty(_container.Log.Calls);
    }

    [Fact]
    public async Task ValueTask_method_runs_once_after_approval()
    {
        _container.Guard.CompleteAsynchronously = true;

        await Shapes.ScaleAsync("prod-eu", 5);

        Assert.Equal(["ScaleAsync(prod-eu,5)"], _container.Log.Calls);
    }

    [Fact]
    public async Task ValueTask_method_never_runs_when_denied()
    {
        _container.Guard.Behavior = GuardBehavior.Deny;

        await Assert.ThrowsAsync<ActionDeniedException>(async () => await Shapes.ScaleAsync("prod-eu", 5));

        Assert.Empty(_container.Log.Calls);
    }

    [Fact]
    public async Task ValueTask_of_int_method_returns_the_target_result_after_approval()
    {
        _container.Guard.CompleteAsynchronously = true;

        var result = await Shapes.DeleteAsync("prod-eu", CancellationToken.None);

        Assert.Equal(7, result);
        Assert.Equal(["DeleteAsync(prod-eu)"], _container.Log.Calls);
    }

    [Fact]
    public async Task ValueTask_of_int_method_never_runs_when_denied()
    {
        _container.Guard.Behavior = GuardBehavior.Deny;

        await Assert.ThrowsAsync<ActionDeniedException>(async () => await Shapes.DeleteAsync("prod-eu", CancellationToken.None));

        Assert.Empty(_container.Log.Calls);
    }

    [Fact]
    public async Task Any_guard_failure_propagates_as_its_own_type()
    {
        var timeout = new ApprovalTimeoutException("no decision in time", expiredOnBackend: true);
        _container.Guard.Behavior = GuardBehavior.Throw;
        _container.Guard.ToThrow = timeout;

        Assert.Same(timeout, Assert.Throws<ApprovalTimeoutException>(() => Shapes.Grant("bob", "admin")));
        Assert.Same(timeout, await Assert.ThrowsAsync<ApprovalTimeoutException>(() => Shapes.ExportToAsync("b", 1, CancellationToken.None)));
        Assert.Same(timeout, await Assert.ThrowsAsync<ApprovalTimeoutException>(async () => await Shapes.DeleteAsync("c", CancellationToken.None)));
        Assert.Empty(_container.Log.Calls);
    }

    [Fact]
    public async Task Cancellation_token_flows_to_the_guard_and_the_same_token_to_the_target()
    {
        using var cts = new CancellationTokenSource();

        await Shapes.ExportAsync("a", cts.Token);
        await Shapes.ExportToAsync("b", 1, cts.Token);
        await Shapes.DeleteAsync("c", cts.Token);

        Assert.All(_container.Guard.Tokens, t => Assert.Equal(cts.Token, t));
        Assert.Equal(3, _container.Guard.Tokens.Count);
        Assert.Equal([cts.Token, cts.Token, cts.Token], _container.Log.Tokens);
    }

    [Fact]
    public void Method_without_a_token_gives_the_guard_no_token()
    {
        Shapes.Restart("web-1");

        Assert.False(_container.Guard.Tokens.Single().CanBeCanceled);
    }

    [Fact]
    public async Task Cancellation_token_is_not_an_argument_of_the_action()
    {
        using var cts = new CancellationTokenSource();

        await Shapes.ExportToAsync("exports", 12, cts.Token);

        var arguments = _container.Guard.SingleAction.Arguments;
        Assert.Equal(["bucket", "rows"], arguments.Select(a => a.Name));
        Assert.Equal(["exports", (object)12], arguments.Select(a => a.Value));
    }

    [Fact]
    public async Task Methods_without_the_attribute_pass_straight_through_without_the_guard()
    {
        using var cts = new CancellationTokenSource();
        _container.Guard.Behavior = GuardBehavior.Deny;

        Assert.Equal("described db", Shapes.Describe("db"));
        Assert.True(Shapes.TryParse("17", out var parsed));
        Assert.Equal(17, parsed);
        Assert.Equal(3, await Shapes.CountAsync(cts.Token));

        Assert.Empty(_container.Guard.Actions);
        Assert.Equal(["Describe(db)", "TryParse(17)", "CountAsync"], _container.Log.Calls);
        Assert.Equal([cts.Token], _container.Log.Tokens);
    }
}
