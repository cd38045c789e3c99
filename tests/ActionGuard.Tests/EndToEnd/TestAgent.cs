using ActionGuard.Client;
using ActionGuard.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Tests.EndToEnd;

/// <summary>
/// An agent process wired like production code: <c>AddActionGuard</c> against the server's address with an API key,
/// the real HTTP client, resilience pipeline and verifier, plus a guarded <see cref="IExporter"/>.
/// </summary>
internal sealed class TestAgent : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private TestAgent(ServiceProvider provider, string agentId)
    {
        _provider = provider;
        AgentId = agentId;
    }

    public string AgentId { get; }

    public IActionGuard Guard => _provider.GetRequiredService<IActionGuard>();

    /// <summary>Gets the agent's own protocol client, for steps a compromised or confused agent might take by hand.</summary>
    public ApprovalClient Client => _provider.GetRequiredService<ApprovalClient>();

    public ExportLog Log => _provider.GetRequiredService<ExportLog>();

    public static TestAgent Create(ProtocolTestServer server, string agentId = "agent-a", Action<ActionGuardOptions>? configure = null)
    {
        var apiKey = ProtocolTestServer.ApiKeyFor(agentId);

        var services = new ServiceCollection();
        services.AddSingleton<ExportLog>();
        services.AddActionGuard(options =>
            {
                options.Endpoint = server.BaseAddress;
                options.AgentId = agentId;
                options.ApiKey = apiKey;

                // A safety net only: every test ends by a decision or a fault long before.
                options.DefaultTimeout = TimeSpan.FromSeconds(20);
                options.LongPollWait = TimeSpan.FromSeconds(10);
                options.Resilience.MaxRetryAttempts = 2;
                options.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(2);
                options.Resilience.AttemptTimeout = TimeSpan.FromSeconds(5);
                options.Resilience.TotalTimeout = TimeSpan.FromSeconds(10);
                options.Resilience.CircuitBreakerMinimumThroughput = 100;
                configure?.Invoke(options);
            })
            .AddGuardedScoped<IExporter, Exporter>();

        return new TestAgent(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }), agentId);
    }

    /// <summary>
    /// Calls the guarded exporter in a fresh scope, as a request handler of the agent would, and waits until the outcome
    /// reported in the background has been answered, so tests read the backend's final state.
    /// </summary>
    public async Task<int> ExportAsync(
        string destination = "s3://reports",
        string note = "weekly",
        string apiKey = "ak-live-0000",
        CancellationToken cancellationToken = default)
    {
        try
        {
            await using var scope = _provider.CreateAsyncScope();
            var exporter = scope.ServiceProvider.GetRequiredService<IExporter>();
            return await exporter.ExportCustomersAsync(destination, note, apiKey, cancellationToken);
        }
        finally
        {
            await OutcomesReportedAsync();
        }
    }

    /// <summary>
    /// Runs an action through <see cref="IActionGuard"/> directly (the target counts in <see cref="Log"/>) and waits for
    /// its outcome report to be answered.
    /// </summary>
    public async Task<string> RunAsync(GuardedAction action, CancellationToken cancellationToken = default)
    {
        var log = Log;
        try
        {
            return await Guard.ExecuteAsync(
                action,
                _ =>
                {
                    log.Add(action.Name);
                    return Task.FromResult("done");
                },
                cancellationToken);
        }
        finally
        {
            await OutcomesReportedAsync();
        }
    }

    /// <summary>
    /// Waits until the backend has answered every outcome this agent reported so far: outcomes are sent in the
    /// background after the call returns.
    /// </summary>
    public Task OutcomesReportedAsync() =>
        _provider.GetRequiredService<ActionGuard.Guarding.OutcomeReporter>().FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
