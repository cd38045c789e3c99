namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures ActionGuard further after <see cref="ActionGuardServiceCollectionExtensions.AddActionGuard(IServiceCollection, System.Action{ActionGuard.ActionGuardOptions})"/>.</summary>
public interface IActionGuardBuilder
{
    /// <summary>Gets the service collection.</summary>
    IServiceCollection Services { get; }
}
