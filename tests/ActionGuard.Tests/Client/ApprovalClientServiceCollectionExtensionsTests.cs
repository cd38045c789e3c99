using System.Net;
using ActionGuard.Client;
using ActionGuard.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static ActionGuard.Tests.Client.ClientTestData;

namespace ActionGuard.Tests.Client;

public sealed class ApprovalClientServiceCollectionExtensionsTests
{
    private static ServiceProvider BuildProvider(Uri endpoint, int maxRetryAttempts, int registrations = 1)
    {
        var services = new ServiceCollection();
        services.Configure<ActionGuardOptions>(o =>
        {
            o.Endpoint = endpoint;
            o.ApiKey = ApiKey;
            o.Resilience.MaxRetryAttempts = maxRetryAttempts;
            o.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
        });
        for (var i = 0; i < registrations; i++)
        {
            services.AddApprovalHttpClient();
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public async Task Registered_client_uses_ActionGuardOptions_and_is_a_singleton()
    {
        string? authorization = null;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}", (HttpContext ctx) =>
        {
            authorization = ctx.Request.Headers.Authorization;
            return ctx.WriteAsync(200, ApprovalJson("apr_1", "approved"));
        }));
        await using var provider = BuildProvider(server.BaseAddress, maxRetryAttempts: 1);

        var client = provider.GetRequiredService<ApprovalClient>();
        var approval = await client.GetApprovalAsync("apr_1");

        Assert.Same(client, provider.GetRequiredService<ApprovalClient>());
        Assert.Equal(ApprovalStatus.Approved, approval.Status);
        Assert.Equal("Bearer " + ApiKey, authorization);
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Named_client_retries_with_the_configured_attempts_once_however_often_it_is_registered(int registrations)
    {
        var hits = 0;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}", (HttpContext ctx) =>
        {
            Interlocked.Increment(ref hits);
            return ctx.WriteAsync(503, "{}");
        }));
        await using var provider = BuildProvider(server.BaseAddress, maxRetryAttempts: 2, registrations);

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(
            () => provider.GetRequiredService<ApprovalClient>().GetApprovalAsync("apr_1"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal(3, hits);
    }

    [Fact]
    public async Task Named_HttpClient_is_available_from_the_factory_with_the_resilience_handler()
    {
        var hits = 0;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}", (HttpContext ctx) =>
            ctx.WriteAsync(Interlocked.Increment(ref hits) == 1 ? 503 : 200, ApprovalJson("apr_1"))));
        await using var provider = BuildProvider(server.BaseAddress, maxRetryAttempts: 1);
        var httpClient = provider.GetRequiredService<IHttpClientFactory>().CreateClient(ApprovalClientServiceCollectionExtensions.HttpClientName);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseAddress, "v1/approvals/apr_1"));
        request.Options.Set(ApprovalRequestOptions.Retryable, true);
        using var response = await httpClient.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, hits);
        Assert.Equal(Timeout.InfiniteTimeSpan, httpClient.Timeout);
    }

    [Fact]
    public async Task A_handler_the_user_adds_to_the_named_client_runs_inside_the_resilience_handler_and_sees_every_attempt()
    {
        var hits = 0;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}", (HttpContext ctx) =>
            ctx.WriteAsync(Interlocked.Increment(ref hits) < 3 ? 503 : 200, ApprovalJson("apr_1"))));
        var services = new ServiceCollection();
        services.Configure<ActionGuardOptions>(o =>
        {
            o.Endpoint = server.BaseAddress;
            o.ApiKey = ApiKey;
            o.Resilience.MaxRetryAttempts = 2;
            o.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
        });
        services.AddApprovalHttpClient();
        var seen = new List<HttpStatusCode>();
        services.AddHttpClient(ActionGuardOptions.HttpClientName).AddHttpMessageHandler(() => new ObservingHandler(seen));
        await using var provider = services.BuildServiceProvider();

        var approval = await provider.GetRequiredService<ApprovalClient>().GetApprovalAsync("apr_1");

        Assert.Equal("apr_1", approval.Id);
        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK], seen);
    }

    private sealed class ObservingHandler(List<HttpStatusCode> seen) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            lock (seen)
            {
                seen.Add(response.StatusCode);
            }

            return response;
        }
    }
}
