using ActionGuard.Client;
using ActionGuard.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ActionGuard.Tests.DependencyInjection;

public sealed class ActionGuardServiceCollectionExtensionsTests
{
    private static OptionsValidationException ValidationFailure(Action<ActionGuardOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddActionGuard(configure);
        using var provider = services.BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IActionGuard>());
    }

    [Fact]
    public void Missing_endpoint_and_agent_are_reported_together_by_key()
    {
        var ex = ValidationFailure(_ => { });

        Assert.Contains(ex.Failures, f => f.Contains("ActionGuard:Endpoint is required", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ActionGuard:AgentId is required", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://approvals.example.com/", "plain http")]
    [InlineData("ftp://approvals.example.com/", "absolute http(s)")]
    public void Endpoint_must_be_https_unless_loopback(string endpoint, string expected)
    {
        var ex = ValidationFailure(o =>
        {
            o.Endpoint = new Uri(endpoint);
            o.AgentId = "agent";
        });

        Assert.Contains(ex.Failures, f => f.Contains("ActionGuard:Endpoint", StringComparison.Ordinal) && f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Plain_http_to_loopback_is_accepted()
    {
        var services = new ServiceCollection();
        services.AddActionGuard(o =>
        {
            o.Endpoint = new Uri("http://127.0.0.1:5000/");
            o.AgentId = "agent";
            o.ApiKey = "ag-key";
        });
        using var provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredService<IActionGuard>());
    }

    [Fact]
    public void An_endpoint_without_an_api_key_or_token_provider_is_refused_naming_both_options()
    {
        var ex = ValidationFailure(o =>
        {
            o.Endpoint = new Uri("https://approvals.example.com/");
            o.AgentId = "agent";
        });

        var failure = Assert.Single(ex.Failures);
        Assert.Contains("ActionGuard:ApiKey (or ActionGuard:AccessTokenProvider) is required with ActionGuard:Endpoint", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_provider_or_an_in_memory_backend_needs_no_api_key()
    {
        var withProvider = new ServiceCollection();
        withProvider.AddActionGuard(o =>
        {
            o.Endpoint = new Uri("https://approvals.example.com/");
            o.AgentId = "agent";
            o.AccessTokenProvider = _ => ValueTask.FromResult("workload-token");
        });
        using var backend = new InMemoryApprovalBackend();
        var inMemory = new ServiceCollection();
        inMemory.AddActionGuard(o => o.Endpoint = new Uri("https://approvals.example.com/")).UseInMemoryBackend(backend);

        using var first = withProvider.BuildServiceProvider();
        using var second = inMemory.BuildServiceProvider();

        Assert.NotNull(first.GetRequiredService<IActionGuard>());
        Assert.NotNull(second.GetRequiredService<IActionGuard>());
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("none")]
    public void Symmetric_or_unsigned_algorithms_are_refused(string algorithm)
    {
        var ex = ValidationFailure(o =>
        {
            o.Endpoint = new Uri("https://approvals.example.com/");
            o.AgentId = "agent";
            o.AllowedSigningAlgorithms.Add(algorithm);
        });

        Assert.Contains(ex.Failures, f => f.Contains("AllowedSigningAlgorithms", StringComparison.Ordinal) && f.Contains(algorithm, StringComparison.Ordinal));
    }

    [Fact]
    public void Out_of_range_timings_name_their_keys()
    {
        var ex = ValidationFailure(o =>
        {
            o.Endpoint = new Uri("https://approvals.example.com/");
            o.AgentId = "agent";
            o.LongPollWait = TimeSpan.FromSeconds(90);
            o.DefaultTimeout = TimeSpan.Zero;
            o.Resilience.CircuitBreakerMinimumThroughput = 1;
        });

        Assert.Contains(ex.Failures, f => f.Contains("ActionGuard:LongPollWait", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ActionGuard:DefaultTimeout", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ActionGuard:Resilience:CircuitBreakerMinimumThroughput", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invalid_options_stop_the_host_from_starting()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddActionGuard(o => o.AgentId = "agent");
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(ex.Failures, f => f.Contains("ActionGuard:Endpoint", StringComparison.Ordinal));
    }

    [Fact]
    public void Registrations_are_added_once_and_a_replaced_client_is_kept()
    {
        using var backend = new InMemoryApprovalBackend();
        var services = new ServiceCollection();
        services.AddActionGuard(o => o.AgentId = "agent").UseInMemoryBackend(backend);
        services.AddActionGuard(o => o.Environment = "prod");

        Assert.Single(services, d => d.ServiceType == typeof(IActionGuard));
        Assert.Single(services, d => d.ServiceType == typeof(ApprovalClient));
        using var provider = services.BuildServiceProvider();
        Assert.NotEqual(typeof(ApprovalClient), provider.GetRequiredService<ApprovalClient>().GetType());
        var options = provider.GetRequiredService<IOptions<ActionGuardOptions>>().Value;
        Assert.Equal("agent", options.AgentId);
        Assert.Equal("prod", options.Environment);
    }
}
