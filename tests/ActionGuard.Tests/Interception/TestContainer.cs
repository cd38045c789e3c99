using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Tests.Interception;

/// <summary>A container with a recording guard and a call log, plus whatever the test registers.</summary>
public sealed class TestContainer : IDisposable
{
    public TestContainer(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IActionGuard>(Guard);
        services.AddSingleton(Log);
        register(services);
        Provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        Scope = Provider.CreateScope();
    }

    public RecordingActionGuard Guard { get; } = new();

    public CallLog Log { get; } = new();

    public ServiceProvider Provider { get; }

    /// <summary>The scope <see cref="Get{T}"/> resolves from.</summary>
    public IServiceScope Scope { get; }

    public T Get<T>()
        where T : notnull => Scope.ServiceProvider.GetRequiredService<T>();

    public void Dispose()
    {
        Scope.Dispose();
        Provider.Dispose();
    }
}
