namespace Microsoft.Extensions.DependencyInjection;

internal sealed class ActionGuardBuilder(IServiceCollection services) : IActionGuardBuilder
{
    public IServiceCollection Services { get; } = services;
}
