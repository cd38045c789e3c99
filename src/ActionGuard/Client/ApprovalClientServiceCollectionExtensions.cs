using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActionGuard.Client;

/// <summary>Registers the backend HTTP client; <c>AddActionGuard</c> calls this.</summary>
internal static class ApprovalClientServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> registered with <c>IHttpClientFactory</c>.</summary>
    public const string HttpClientName = ActionGuardOptions.HttpClientName;

    /// <summary>How long a pooled connection lives, so that DNS changes of the backend are picked up.</summary>
    public static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Registers the named <see cref="HttpClient"/> <c>"ActionGuard"</c> (a <see cref="SocketsHttpHandler"/> under the
    /// resilience handler) and a singleton <see cref="ApprovalClient"/> configured from <see cref="ActionGuardOptions"/>.
    /// Calling it again adds nothing.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddApprovalHttpClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // AddHttpClient appends handlers on every call: register once so a request never runs two pipelines.
        if (services.Any(d => d.ServiceType == typeof(ApprovalAttemptHandler)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddTransient<ApprovalAttemptHandler>();

        // The resilience handler's pipeline lives in the registry, one per service provider, so circuit-breaker state
        // outlives the factory's handler rotation; the attempt handler, added after it, runs inside every attempt.
        var client = services.AddHttpClient(HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = PooledConnectionLifetime });
        client.AddResilienceHandler(ApprovalResilience.PipelineName, static (builder, context) => ApprovalResilience.Configure(
            builder,
            context.ServiceProvider.GetRequiredService<IOptions<ActionGuardOptions>>().Value.Resilience,
            context.ServiceProvider.GetRequiredService<TimeProvider>(),
            context.ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger("ActionGuard.Client")));
        client.AddHttpMessageHandler<ApprovalAttemptHandler>();

        var defaultClient = ServiceDescriptor.Singleton<ApprovalClient>(CreateDefaultClient);
        services.TryAdd(defaultClient);
        services.AddSingleton<IValidateOptions<ActionGuardOptions>>(new DependencyInjection.BackendCredentialsValidator(services, defaultClient));

        return services;
    }

    private static ApprovalClient CreateDefaultClient(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<IOptions<ActionGuardOptions>>().Value;
        var clientOptions = new ApprovalClientOptions
        {
            Endpoint = options.Endpoint,
            ApiKey = options.ApiKey,
            AccessTokenProvider = options.AccessTokenProvider,
        };
        CopyResilience(options.Resilience, clientOptions.Resilience);
        var httpClient = sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
        return new ApprovalClient(httpClient, clientOptions);
    }

    internal static void CopyResilience(ApprovalResilienceOptions source, ApprovalResilienceOptions target)
    {
        target.MaxRetryAttempts = source.MaxRetryAttempts;
        target.RetryBaseDelay = source.RetryBaseDelay;
        target.AttemptTimeout = source.AttemptTimeout;
        target.TotalTimeout = source.TotalTimeout;
        target.CircuitBreakerFailureRatio = source.CircuitBreakerFailureRatio;
        target.CircuitBreakerMinimumThroughput = source.CircuitBreakerMinimumThroughput;
        target.CircuitBreakerSamplingDuration = source.CircuitBreakerSamplingDuration;
        target.CircuitBreakerBreakDuration = source.CircuitBreakerBreakDuration;
    }
}
