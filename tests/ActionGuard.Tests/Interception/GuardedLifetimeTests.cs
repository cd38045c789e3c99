using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Tests.Interception;

public sealed class GuardedLifetimeTests
{
    [Fact]
    public void Scoped_decorator_is_one_per_scope_with_one_implementation_each()
    {
        using var container = new TestContainer(static s => s.AddGuardedScoped<IShapes, Shapes>());

        using var first = container.Provider.CreateScope();
        using var second = container.Provider.CreateScope();
        var a1 = first.ServiceProvider.GetRequiredService<IShapes>();
        var a2 = first.ServiceProvider.GetRequiredService<IShapes>();
        var b = second.ServiceProvider.GetRequiredService<IShapes>();

        Assert.Same(a1, a2);
        Assert.NotSame(a1, b);
        Assert.Equal(2, container.Log.Created);
    }

    [Fact]
    public void Transient_decorator_is_new_each_time()
    {
        using var container = new TestContainer(static s => s.AddGuardedTransient<IShapes, Shapes>());

        Assert.NotSame(container.Get<IShapes>(), container.Get<IShapes>());
        Assert.Equal(2, container.Log.Created);
    }

    [Fact]
    public void Singleton_decorator_is_shared()
    {
        using var container = new TestContainer(static s => s.AddGuardedSingleton<IShapes, Shapes>());

        Assert.Same(container.Get<IShapes>(), container.Get<IShapes>());
        Assert.Equal(1, container.Log.Created);
    }

    [Fact]
    public void Implementation_is_not_registered_as_a_service_of_its_own()
    {
        using var container = new TestContainer(static s => s.AddGuardedScoped<IShapes, Shapes>());

        Assert.Null(container.Provider.GetService<Shapes>());
        Assert.IsNotType<Shapes>(container.Get<IShapes>());
    }

    [Fact]
    public void Disposable_implementation_is_disposed_with_its_scope()
    {
        using var container = new TestContainer(static s => s.AddGuardedScoped<IExporter, DisposableExporter>());

        using (var scope = container.Provider.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<IExporter>().Purge();
            Assert.Equal(0, container.Log.Disposed);
        }

        Assert.Equal(1, container.Log.Created);
        Assert.Equal(1, container.Log.Disposed);
    }

    [Fact]
    public async Task Async_disposable_implementation_is_disposed_with_its_async_scope()
    {
        using var container = new TestContainer(static s => s.AddGuardedScoped<IExporter, AsyncDisposableExporter>());

        await using (var scope = container.Provider.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<IExporter>().Purge();
        }

        Assert.Equal(1, container.Log.Disposed);
    }

    [Fact]
    public void Async_disposable_implementation_is_disposed_even_by_a_synchronous_scope()
    {
        using var container = new TestContainer(static s => s.AddGuardedScoped<IExporter, AsyncDisposableExporter>());

        using (var scope = container.Provider.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<IExporter>().Purge();
        }

        Assert.Equal(1, container.Log.Disposed);
    }

    [Fact]
    public void Decorator_of_a_non_disposable_implementation_is_not_disposable()
    {
        using var container = new TestContainer(static s => s.AddGuardedTransient<IShapes, Shapes>());

        // A disposable transient would be kept alive by the container until its scope ends.
        var shapes = container.Get<IShapes>();

        Assert.False(shapes is IDisposable);
        Assert.False(shapes is IAsyncDisposable);
    }

    [Fact]
    public void Singleton_implementation_is_disposed_with_the_root_provider()
    {
        var container = new TestContainer(static s => s.AddGuardedSingleton<IExporter, DisposableExporter>());
        container.Get<IExporter>().Purge();

        container.Dispose();

        Assert.Equal(1, container.Log.Disposed);
    }

    [Fact]
    public void Service_interface_that_is_disposable_disposes_the_implementation_once()
    {
        using var container = new TestContainer(static s => s.AddGuardedScoped<IDisposableService, DisposableService>());

        using (var scope = container.Provider.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<IDisposableService>().Export();
        }

        Assert.Equal(1, container.Log.Disposed);
        Assert.Equal(["Export"], container.Log.Calls);
        Assert.Single(container.Guard.Actions);
    }

    [Fact]
    public void Missing_guard_fails_at_resolution_pointing_to_AddActionGuard()
    {
        var services = new ServiceCollection();
        var log = new CallLog();
        services.AddSingleton(log);
        services.AddGuardedScoped<IShapes, Shapes>();
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();

        var ex = Assert.Throws<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<IShapes>());

        Assert.Contains("AddActionGuard", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, log.Created);
    }

    [Fact]
    public void Builder_overloads_register_and_return_the_builder()
    {
        var services = new ServiceCollection();
        var guard = new RecordingActionGuard();
        services.AddSingleton<IActionGuard>(guard);
        services.AddSingleton(new CallLog());
        var builder = new TestActionGuardBuilder(services);

        Assert.Same(builder, builder.AddGuardedSingleton<IShapes, Shapes>());
        Assert.Same(builder, builder.AddGuardedScoped<IPurger, ExplicitPurger>());
        Assert.Same(builder, builder.AddGuardedTransient<IExporter, Exporter>());

        using var provider = services.BuildServiceProvider();
        Assert.Equal(ServiceLifetime.Singleton, services.Single(d => d.ServiceType == typeof(IShapes)).Lifetime);
        Assert.Equal(ServiceLifetime.Scoped, services.Single(d => d.ServiceType == typeof(IPurger)).Lifetime);
        Assert.Equal(ServiceLifetime.Transient, services.Single(d => d.ServiceType == typeof(IExporter)).Lifetime);
        provider.GetRequiredService<IShapes>().Restart("x");
        Assert.Equal("IShapes.Restart", guard.SingleAction.Name);
    }

    [Fact]
    public void Collection_overloads_return_the_collection()
    {
        var services = new ServiceCollection();

        Assert.Same(services, services.AddGuardedSingleton<IShapes, Shapes>());
        Assert.Same(services, services.AddGuardedScoped<IPurger, ExplicitPurger>());
        Assert.Same(services, services.AddGuardedTransient<IExporter, Exporter>());
    }
}
