using System.Diagnostics;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static ActionGuard.Tests.Client.ClientTestData;

namespace ActionGuard.Tests.Client;

public sealed class ApprovalClientWatchTests
{
    private static async Task WriteEventAsync(HttpContext ctx, string data, string? eventType = null)
    {
        if (eventType is not null)
        {
            await ctx.Response.WriteAsync("event: " + eventType + "\n");
        }

        await ctx.Response.WriteAsync("data: " + data.ReplaceLineEndings(" ") + "\n\n");
        await ctx.Response.Body.FlushAsync();
    }

    private static async Task StartStreamAsync(HttpContext ctx)
    {
        ctx.Response.ContentType = "text/event-stream";
        await ctx.Response.Body.FlushAsync();
    }

    [Fact]
    public async Task Events_are_yielded_in_order_and_the_stream_stops_at_a_final_status()
    {
        string? accept = null;
        await using var server = await KestrelTestServer.StartAsync(app =>
        {
            app.MapGet("/v1/approvals/{id}", (HttpContext ctx) => ctx.WriteAsync(200, ApprovalJson("apr_1")));
            app.MapGet("/v1/approvals/{id}/events", async (HttpContext ctx) =>
            {
                accept = ctx.Request.Headers.Accept;
                await StartStreamAsync(ctx);
                await ctx.Response.WriteAsync(": keep-alive comment\n\n");
                foreach (var status in new[] { "pending", "approved", "executing", "succeeded" })
                {
                    // Together longer than the attempt and total timeouts: they bound opening the stream, not holding it.
                    await Task.Delay(400, ctx.RequestAborted);
                    await WriteEventAsync(ctx, ApprovalJson("apr_1", status), "approval");
                }

                // Stays open: the client must stop by itself after "succeeded".
                await Task.Delay(TimeSpan.FromSeconds(30), ctx.RequestAborted);
            });
        });

        // Warm up the server and the client code (with default timeouts) so opening the stream fits the short ones below.
        using (var warmUp = new ApprovalClient(Options(server.BaseAddress)))
        {
            await warmUp.GetApprovalAsync("apr_1");
        }

        using var client = new ApprovalClient(Options(server.BaseAddress, r =>
        {
            r.AttemptTimeout = TimeSpan.FromMilliseconds(300);
            r.TotalTimeout = TimeSpan.FromSeconds(1);
        }));
        var stopwatch = Stopwatch.StartNew();

        var statuses = new List<ApprovalStatus>();
        await foreach (var approval in client.WatchApprovalAsync("apr_1"))
        {
            Assert.Equal("apr_1", approval.Id);
            statuses.Add(approval.Status);
        }

        Assert.Equal([ApprovalStatus.Pending, ApprovalStatus.Approved, ApprovalStatus.Executing, ApprovalStatus.Succeeded], statuses);
        Assert.Equal("text/event-stream", accept);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Sequence_ends_when_the_server_closes_the_stream()
    {
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}/events", async (HttpContext ctx) =>
        {
            await StartStreamAsync(ctx);
            await WriteEventAsync(ctx, ApprovalJson("apr_1", "pending"));
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var statuses = new List<ApprovalStatus>();
        await foreach (var approval in client.WatchApprovalAsync("apr_1"))
        {
            statuses.Add(approval.Status);
        }

        Assert.Equal([ApprovalStatus.Pending], statuses);
    }

    [Fact]
    public async Task Malformed_event_surfaces_as_BackendUnavailable()
    {
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}/events", async (HttpContext ctx) =>
        {
            await StartStreamAsync(ctx);
            await WriteEventAsync(ctx, ApprovalJson("apr_1", "pending"));
            await WriteEventAsync(ctx, "{not json");
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var seen = 0;
        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(async () =>
        {
            await foreach (var approval in client.WatchApprovalAsync("apr_1"))
            {
                seen++;
            }
        });

        Assert.Equal(1, seen);
        Assert.IsAssignableFrom<JsonException>(ex.InnerException);
        Assert.Equal("apr_1", ex.ApprovalId);
    }

    [Fact]
    public async Task Reply_that_is_not_an_event_stream_surfaces_as_BackendUnavailable()
    {
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}/events",
            (HttpContext ctx) => ctx.WriteAsync(200, ApprovalJson("apr_1"))));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(async () =>
        {
            await foreach (var approval in client.WatchApprovalAsync("apr_1"))
            {
            }
        });
    }

    [Fact]
    public async Task Cancelling_the_watch_surfaces_as_OperationCanceledException()
    {
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}/events", async (HttpContext ctx) =>
        {
            await StartStreamAsync(ctx);
            await WriteEventAsync(ctx, ApprovalJson("apr_1", "pending"));
            await Task.Delay(TimeSpan.FromSeconds(30), ctx.RequestAborted);
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress));
        using var cts = new CancellationTokenSource();

        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var approval in client.WatchApprovalAsync("apr_1", cts.Token))
            {
                seen++;
                cts.CancelAfter(TimeSpan.FromMilliseconds(100));
            }
        });

        Assert.Equal(1, seen);
    }
}
