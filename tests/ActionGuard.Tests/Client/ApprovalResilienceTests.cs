using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using ActionGuard.Client;
using ActionGuard.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Http.Resilience;
using Polly.CircuitBreaker;
using Polly.Timeout;
using static ActionGuard.Tests.Client.ClientTestData;

namespace ActionGuard.Tests.Client;

public sealed class ApprovalResilienceTests
{
    private static (ApprovalClient Client, CountingHandler Counter) CreateCountingClient(ApprovalClientOptions options)
    {
        var counter = new CountingHandler(new SocketsHttpHandler());
        var resilience = new ResilienceHandler(ApprovalResilience.Create(options.Resilience, TimeProvider.System))
        {
            InnerHandler = new ApprovalAttemptHandler { InnerHandler = counter },
        };
        return (new ApprovalClient(new HttpClient(resilience), options), counter);
    }

    [Fact]
    public async Task Create_is_retried_after_503_with_the_same_idempotency_key_and_body()
    {
        var seen = new ConcurrentQueue<(string? Key, string Body)>();
        await using var server = await KestrelTestServer.StartAsync(app => app.MapPost("/v1/approvals", async (HttpContext ctx) =>
        {
            seen.Enqueue((ctx.Request.Headers["Idempotency-Key"], await ctx.ReadBodyAsync()));
            if (seen.Count == 1)
            {
                await ctx.WriteAsync(503, """{"title":"Try later"}""", "application/problem+json");
                return;
            }

            await ctx.WriteAsync(200, ApprovalJson("apr_1"));
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var approval = await client.CreateApprovalAsync(CreateRequest(), "key-abc");

        Assert.Equal("apr_1", approval.Id);
        var attempts = seen.ToArray();
        Assert.Equal(2, attempts.Length);
        Assert.All(attempts, a => Assert.Equal("key-abc", a.Key));
        Assert.NotEmpty(attempts[0].Body);
        Assert.Equal(attempts[0].Body, attempts[1].Body);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task Transient_statuses_are_retried(int status)
    {
        var hits = 0;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}", (HttpContext ctx) =>
            Interlocked.Increment(ref hits) == 1
                ? ctx.WriteAsync(status, "{}")
                : ctx.WriteAsync(200, ApprovalJson("apr_1", "approved"))));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var approval = await client.GetApprovalAsync("apr_1");

        Assert.Equal(ApprovalStatus.Approved, approval.Status);
        Assert.Equal(2, hits);
    }

    [Fact]
    public async Task Outcome_and_cancel_are_retried_after_503()
    {
        var outcomeHits = 0;
        var cancelHits = 0;
        await using var server = await KestrelTestServer.StartAsync(app =>
        {
            app.MapPost("/v1/approvals/{id}/outcome", (HttpContext ctx) =>
                ctx.WriteAsync(Interlocked.Increment(ref outcomeHits) == 1 ? 503 : 200, "{}"));
            app.MapPost("/v1/approvals/{id}/cancel", (HttpContext ctx) =>
                ctx.WriteAsync(Interlocked.Increment(ref cancelHits) == 1 ? 503 : 200, "{}"));
        });
        using var client = new ApprovalClient(Options(server.BaseAddress));

        await client.ReportOutcomeAsync("apr_1", new ApprovalOutcome { Status = OutcomeStatus.Succeeded });
        await client.CancelAsync("apr_1");

        Assert.Equal(2, outcomeHits);
        Assert.Equal(2, cancelHits);
    }

    [Fact]
    public async Task Claim_is_never_retried()
    {
        var hits = 0;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapPost("/v1/approvals/{id}/claim", (HttpContext ctx) =>
        {
            Interlocked.Increment(ref hits);
            return ctx.WriteAsync(503, """{"title":"Unavailable"}""", "application/problem+json");
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress, r => r.MaxRetryAttempts = 5));

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.ClaimAsync("apr_1"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal("apr_1", ex.ApprovalId);
        Assert.Equal(1, hits);
    }

    [Fact]
    public async Task Claim_is_not_retried_after_an_attempt_timeout()
    {
        var hits = 0;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapPost("/v1/approvals/{id}/claim", async (HttpContext ctx) =>
        {
            Interlocked.Increment(ref hits);
            await Task.Delay(TimeSpan.FromSeconds(10), ctx.RequestAborted);
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress, r => r.AttemptTimeout = TimeSpan.FromMilliseconds(200)));

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.ClaimAsync("apr_1"));

        Assert.IsType<TimeoutRejectedException>(ex.InnerException);
        Assert.Equal(1, hits);
    }

    [Fact]
    public async Task Client_errors_are_not_retried()
    {
        var hits = 0;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}", (HttpContext ctx) =>
        {
            Interlocked.Increment(ref hits);
            return ctx.WriteAsync(404, """{"title":"Not found"}""", "application/problem+json");
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var ex = await Assert.ThrowsAsync<ApprovalRequestRejectedException>(() => client.GetApprovalAsync("apr_1"));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal(1, hits);
    }

    [Fact]
    public async Task Closed_port_surfaces_as_BackendUnavailable_after_retries()
    {
        var server = await KestrelTestServer.StartAsync(app => app.MapGet("/", () => "up"));
        var endpoint = server.BaseAddress;
        await server.DisposeAsync();
        var (client, counter) = CreateCountingClient(Options(endpoint, r => r.MaxRetryAttempts = 2));
        using var _ = client;

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.GetApprovalAsync("apr_1"));

        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Null(ex.StatusCode);
        Assert.Equal("apr_1", ex.ApprovalId);
        Assert.Equal(3, counter.Attempts);
    }

    [Fact]
    public async Task Attempt_timeout_is_retried_then_surfaces_as_BackendUnavailable()
    {
        var hits = 0;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}", async (HttpContext ctx) =>
        {
            Interlocked.Increment(ref hits);
            await Task.Delay(TimeSpan.FromSeconds(10), ctx.RequestAborted);
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress, r =>
        {
            r.MaxRetryAttempts = 2;
            r.AttemptTimeout = TimeSpan.FromMilliseconds(200);
        }));
        var stopwatch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.GetApprovalAsync("apr_1"));

        Assert.IsType<TimeoutRejectedException>(ex.InnerException);
        Assert.Equal(3, hits);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Total_timeout_bounds_all_attempts()
    {
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}",
            (HttpContext ctx) => Task.Delay(TimeSpan.FromSeconds(10), ctx.RequestAborted)));
        using var client = new ApprovalClient(Options(server.BaseAddress, r =>
        {
            r.MaxRetryAttempts = 10;
            r.AttemptTimeout = TimeSpan.FromSeconds(5);
            r.TotalTimeout = TimeSpan.FromMilliseconds(300);
        }));
        var stopwatch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.GetApprovalAsync("apr_1"));

        Assert.IsType<TimeoutRejectedException>(ex.InnerException);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Long_poll_sends_wait_and_outlasts_the_attempt_timeout()
    {
        string? wait = null;
        var hits = 0;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}", async (HttpContext ctx) =>
        {
            Interlocked.Increment(ref hits);
            wait = ctx.Request.Query["wait"];
            await Task.Delay(TimeSpan.FromMilliseconds(700), ctx.RequestAborted);
            await ctx.WriteAsync(200, ApprovalJson("apr_1", "approved"));
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress, r =>
        {
            r.AttemptTimeout = TimeSpan.FromMilliseconds(250);
            r.TotalTimeout = TimeSpan.FromMilliseconds(400);
        }));

        var approval = await client.GetApprovalAsync("apr_1", TimeSpan.FromMilliseconds(1500));

        Assert.Equal(ApprovalStatus.Approved, approval.Status);
        Assert.Equal("2", wait);
        Assert.Equal(1, hits);
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(-5, "0")]
    [InlineData(30, "30")]
    [InlineData(60, "60")]
    [InlineData(3600, "60")]
    public async Task Wait_is_sent_in_whole_seconds_clamped_to_60(int seconds, string expected)
    {
        string? wait = null;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}", (HttpContext ctx) =>
        {
            wait = ctx.Request.Query["wait"];
            return ctx.WriteAsync(200, ApprovalJson("apr_1"));
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        await client.GetApprovalAsync("apr_1", TimeSpan.FromSeconds(seconds));

        Assert.Equal(expected, wait);
    }

    [Fact]
    public async Task Get_without_wait_sends_no_wait_parameter()
    {
        bool? hasWait = null;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}", (HttpContext ctx) =>
        {
            hasWait = ctx.Request.Query.ContainsKey("wait");
            return ctx.WriteAsync(200, ApprovalJson("apr_1"));
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        await client.GetApprovalAsync("apr_1");

        Assert.False(hasWait);
    }

    [Fact]
    public async Task Caller_cancellation_surfaces_as_OperationCanceledException_and_is_not_retried()
    {
        var hits = 0;
        using var cts = new CancellationTokenSource();
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}", async (HttpContext ctx) =>
        {
            Interlocked.Increment(ref hits);

            // The caller gives up while the backend holds the request.
            await cts.CancelAsync();
            await Task.Delay(TimeSpan.FromSeconds(10), ctx.RequestAborted);
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress));
        var stopwatch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetApprovalAsync("apr_1", cancellationToken: cts.Token));

        Assert.True(cts.IsCancellationRequested);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
        Assert.Equal(1, hits);
    }

    [Fact]
    public async Task Already_cancelled_token_never_reaches_the_backend()
    {
        var hits = 0;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapPost("/v1/approvals", (HttpContext ctx) =>
        {
            Interlocked.Increment(ref hits);
            return ctx.WriteAsync(201, ApprovalJson("apr_1"));
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => client.CreateApprovalAsync(CreateRequest(), "key-1", new CancellationToken(canceled: true)));

        Assert.Equal(0, hits);
    }

    [Fact]
    public async Task Circuit_opens_after_repeated_failures_and_then_fails_fast()
    {
        var hits = 0;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}", (HttpContext ctx) =>
        {
            Interlocked.Increment(ref hits);
            return ctx.WriteAsync(500, "{}");
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress, r =>
        {
            r.MaxRetryAttempts = 0;
            r.CircuitBreakerMinimumThroughput = 2;
            r.CircuitBreakerFailureRatio = 0.5;
            r.CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(30);
            r.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(30);
        }));

        for (var i = 0; i < 2; i++)
        {
            var failure = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.GetApprovalAsync("apr_1"));
            Assert.Equal(HttpStatusCode.InternalServerError, failure.StatusCode);
        }

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.GetApprovalAsync("apr_1"));

        Assert.IsAssignableFrom<BrokenCircuitException>(ex.InnerException);
        Assert.Null(ex.StatusCode);
        Assert.Equal(2, hits);
    }

    [Fact]
    public async Task Client_errors_do_not_open_the_circuit()
    {
        var hits = 0;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}", (HttpContext ctx) =>
        {
            Interlocked.Increment(ref hits);
            return ctx.WriteAsync(404, "{}");
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress, r =>
        {
            r.CircuitBreakerMinimumThroughput = 2;
            r.CircuitBreakerFailureRatio = 0.5;
        }));

        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<ApprovalRequestRejectedException>(() => client.GetApprovalAsync("apr_1"));
        }

        Assert.Equal(4, hits);
    }

    [Fact]
    public async Task Retry_After_is_honoured()
    {
        var hits = 0;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}", (HttpContext ctx) =>
        {
            if (Interlocked.Increment(ref hits) == 1)
            {
                ctx.Response.Headers.RetryAfter = "1";
                return ctx.WriteAsync(429, "{}");
            }

            return ctx.WriteAsync(200, ApprovalJson("apr_1"));
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress));
        var stopwatch = Stopwatch.StartNew();

        await client.GetApprovalAsync("apr_1");

        Assert.Equal(2, hits);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(900), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Truncated_body_is_a_transport_fault_and_is_retried()
    {
        var hits = 0;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}", async (HttpContext ctx) =>
        {
            if (Interlocked.Increment(ref hits) == 1)
            {
                // Promise more than is sent, then drop the connection.
                ctx.Response.ContentLength = 4096;
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync("{\"id\":");
                await ctx.Response.Body.FlushAsync();
                ctx.Abort();
                return;
            }

            await ctx.WriteAsync(200, ApprovalJson("apr_1"));
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var approval = await client.GetApprovalAsync("apr_1");

        Assert.Equal("apr_1", approval.Id);
        Assert.Equal(2, hits);
    }
}
