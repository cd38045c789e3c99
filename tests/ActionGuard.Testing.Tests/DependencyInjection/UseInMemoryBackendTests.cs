using ActionGuard.Client;
using ActionGuard.Testing.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ActionGuard.Testing.Tests.DependencyInjection;

public sealed class UseInMemoryBackendTests
{
    [Fact]
    public async Task Fills_unset_options_and_replaces_the_client()
    {
        using var backend = new InMemoryApprovalBackend();
        var builder = new TestBuilder();
        builder.Services.AddSingleton<ApprovalClient>(_ => throw new InvalidOperationException("the HTTP client must be replaced"));

        builder.UseInMemoryBackend(backend);
        using var provider = builder.Services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<ActionGuardOptions>>().Value;
        var client = provider.GetRequiredService<ApprovalClient>();
        await client.CreateAsync();

        Assert.Equal(backend.Issuer, options.Endpoint);
        Assert.Equal("test-agent", options.AgentId);
        Assert.Equal("https://actionguard.test", options.ExpectedIssuer);
        Assert.Single(builder.Services, d => d.ServiceType == typeof(ApprovalClient));
        Assert.Equal("test-agent", Assert.Single(backend.Requests).AgentId);
    }

    [Fact]
    public async Task Keeps_options_the_application_set()
    {
        using var backend = new InMemoryApprovalBackend();
        var builder = new TestBuilder();
        builder.Services.Configure<ActionGuardOptions>(o =>
        {
            o.Endpoint = new Uri("https://approvals.example.com/");
            o.AgentId = "billing-agent";
        });

        builder.UseInMemoryBackend(backend);
        using var provider = builder.Services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<ActionGuardOptions>>().Value;
        await provider.GetRequiredService<ApprovalClient>().CreateAsync();

        Assert.Equal(new Uri("https://approvals.example.com/"), options.Endpoint);
        Assert.Equal("billing-agent", options.AgentId);
        Assert.Equal("billing-agent", Assert.Single(backend.Requests).AgentId);
    }

    [Fact]
    public void Returns_the_same_builder()
    {
        using var backend = new InMemoryApprovalBackend();
        var builder = new TestBuilder();

        Assert.Same(builder, builder.UseInMemoryBackend(backend));
    }

    private sealed class TestBuilder : IActionGuardBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();
    }
}
