namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures ActionGuard further after <see cref="ActionGuardServiceCollectionExtensions.AddActionGuard"/>.</summary>
public interface IActionGuardBuilder
{
    /// <summary>Gets the service collection.</summary>
    IServiceCollection Services { get; }
}
