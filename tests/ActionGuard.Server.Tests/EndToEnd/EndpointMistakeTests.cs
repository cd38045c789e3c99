using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Server.Tests.EndToEnd;

// The two ways a first-time user most often points an agent at the wrong place, against a real server on 127.0.0.1:
// the error names ActionGuard:Endpoint and says what to check, and the action never runs.
public sealed class EndpointMistakeTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    [Fact]
    public async Task A_wrong_base_path_is_refused_naming_the_endpoint_option_and_the_address_tried()
    {
        await using var host = await ServerHost.StartKestrelAsync(fixture.Idp);
        await using var services = Agent(new Uri(host.BaseAddress, "actionguard/"));
        var ran = false;

        var ex = await Assert.ThrowsAsync<ApprovalRequestRejectedException>(() =>
            services.GetRequiredService<IActionGuard>().ExecuteAsync(Export(), _ => { ran = true; return Task.FromResult(1); }));

        Assert.False(ran);
        Assert.Contains("ActionGuard:Endpoint", ex.Message, StringComparison.Ordinal);
        Assert.Contains(new Uri(host.BaseAddress, "actionguard/v1/approvals").AbsoluteUri, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Https_to_a_plain_http_server_says_so_and_names_the_endpoint_option()
    {
        await using var host = await ServerHost.StartKestrelAsync(fixture.Idp);
        await using var services = Agent(new UriBuilder(host.BaseAddress) { Scheme = "https" }.Uri);
        var ran = false;

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() =>
            services.GetRequiredService<IActionGuard>().ExecuteAsync(Export(), _ => { ran = true; return Task.FromResult(1); }));

        Assert.False(ran);
        Assert.Contains("no TLS connection could be made", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ActionGuard:Endpoint must say http://", ex.Message, StringComparison.Ordinal);
    }

    private static GuardedAction Export() => new(ActionKind.DataExport, "Exporter.Export") { Destination = "s3://exports/q3.csv" };

    private static ServiceProvider Agent(Uri endpoint) =>
        new ServiceCollection()
            .AddLogging()
            .AddActionGuard(o =>
            {
                o.Endpoint = endpoint;
                o.AgentId = ServerHost.AgentId;
                o.ApiKey = ServerHost.AgentKey;
                o.DefaultTimeout = TimeSpan.FromSeconds(30);
                o.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            })
            .Services.BuildServiceProvider();
}
