using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ActionGuard.DependencyInjection;

/// <summary>
/// Fails the start when the SDK's own HTTP client would call the backend without credentials: a backend refuses such
/// an agent with 401 on its first guarded call, far from the option that is missing. Skipped when another
/// <see cref="Client.ApprovalClient"/> (an in-memory backend, a custom client) replaced the default one.
/// </summary>
internal sealed class BackendCredentialsValidator : IValidateOptions<ActionGuardOptions>
{
    private readonly IServiceCollection _services;
    private readonly ServiceDescriptor _defaultClient;

    public BackendCredentialsValidator(IServiceCollection services, ServiceDescriptor defaultClient)
    {
        _services = services;
        _defaultClient = defaultClient;
    }

    public ValidateOptionsResult Validate(string? name, ActionGuardOptions options)
    {
        var client = _services.LastOrDefault(d => d.ServiceType == typeof(Client.ApprovalClient));
        if (!ReferenceEquals(client, _defaultClient) || options.Endpoint is null
            || !string.IsNullOrWhiteSpace(options.ApiKey) || options.AccessTokenProvider is not null)
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(
            $"ActionGuard:ApiKey (or ActionGuard:AccessTokenProvider) is required with ActionGuard:Endpoint '{options.Endpoint}': " +
            "the backend refuses an agent without credentials (401). Set the agent's API key, or a provider of its workload token.");
    }
}
