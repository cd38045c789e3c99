using ActionGuard.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Tests.Guarding;

/// <summary>
/// Every delegate shape users write must bind to an overload without a cast: these calls are as much a compile-time
/// test as a run-time one.
/// </summary>
public sealed class ActionGuardExtensionsTests : IDisposable
{
    private readonly InMemoryApprovalBackend _backend = new();
    private readonly IActionGuard _guard;
    private int _runs;

    public ActionGuardExtensionsTests()
    {
        _backend.RespondWith(ApprovalScript.Approve("alice"));
        var services = new ServiceCollection();
        services.AddActionGuard(o => o.AgentId = "agent").UseInMemoryBackend(_backend);
        _guard = services.BuildServiceProvider().GetRequiredService<IActionGuard>();
    }

    public void Dispose() => _backend.Dispose();

    private static GuardedAction Action() => new(ActionKind.DataExport, "Exporter.Export");

    private Task RunTaskAsync(CancellationToken cancellationToken)
    {
        _runs++;
        return Task.CompletedTask;
    }

    private ValueTask<int> CountAsync(CancellationToken cancellationToken) => ValueTask.FromResult(++_runs);

    [Fact]
    public async Task Async_lambdas_without_a_result_bind_and_run()
    {
        await _guard.ExecuteAsync(Action(), async ct => await RunTaskAsync(ct));
        await _guard.ExecuteAsync(Action(), async ct => { await Task.Yield(); _runs++; });

        Assert.Equal(2, _runs);
    }

    [Fact]
    public async Task Async_lambdas_with_a_result_bind_and_return_it()
    {
        var value = await _guard.ExecuteAsync(Action(), async ct =>
        {
            await Task.Yield();
            return 42;
        });

        Assert.Equal(42, value);
    }

    [Fact]
    public async Task Task_and_value_task_returning_lambdas_and_method_groups_bind_and_run()
    {
        await _guard.ExecuteAsync(Action(), ct => RunTaskAsync(ct));
        await _guard.ExecuteAsync(Action(), RunTaskAsync);
        var counted = await _guard.ExecuteAsync(Action(), CountAsync);
        var fromTask = await _guard.ExecuteAsync(Action(), _ => Task.FromResult("done"));
        await _guard.ExecuteAsync(Action(), _ => ValueTask.CompletedTask);

        Assert.Equal(3, counted);
        Assert.Equal("done", fromTask);
        Assert.Equal(3, _runs);
        Assert.Equal(5, _backend.Outcomes.Count);
    }
}
