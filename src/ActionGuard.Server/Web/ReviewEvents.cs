using ActionGuard.Server.Waiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActionGuard.Server.Web;

/// <summary>
/// <c>GET /review/events</c>: a server-sent event stream for a signed-in reviewer that says "changed" whenever an
/// approval is created or changes (on this instance, or on another through the store's change feed), so the page
/// refreshes what it shows. It carries no request data: the page reads it again with the person's own permissions.
/// </summary>
internal static class ReviewEvents
{
    /// <summary>How often a comment keeps the connection open through proxies that close idle ones.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(20);

    // Changes within a second produce one event: every event makes the page read itself again (a list scan), so a busy
    // server must not turn each of its changes into a page load per open browser. A person does not notice the second.
    private static readonly TimeSpan Coalesce = TimeSpan.FromSeconds(1);

    public static async Task StreamAsync(HttpContext context)
    {
        var caller = await ReviewAuthentication.AuthenticateAsync(context).ConfigureAwait(false);
        if (caller is null)
        {
            ReviewResponses.ApplySecurityHeaders(context);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        if (!await ReviewEndpoints.AdmitAsync(context, caller).ConfigureAwait(false))
        {
            return;
        }

        var signals = context.RequestServices.GetRequiredService<ApprovalSignals>();
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        ReviewResponses.ApplySecurityHeaders(context);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        // Taken before the first byte goes out: a change the moment the page sees the stream open is not missed.
        var next = signals.NextChangeOfAny();
        await context.Response.Body.WriteAsync("retry: 3000\n\n"u8.ToArray(), ending.Token).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(ending.Token).ConfigureAwait(false);
        try
        {
            while (!ending.IsCancellationRequested)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(ending.Token);
                var woke = await Task.WhenAny(next, Task.Delay(KeepAlive, time, idle.Token)).ConfigureAwait(false);
                if (woke == next)
                {
                    await idle.CancelAsync().ConfigureAwait(false);
                    await Task.Delay(Coalesce, time, ending.Token).ConfigureAwait(false);
                    next = signals.NextChangeOfAny();
                    await context.Response.Body.WriteAsync("event: changed\ndata: {}\n\n"u8.ToArray(), ending.Token).ConfigureAwait(false);
                }
                else
                {
                    await woke.ConfigureAwait(false);
                    await context.Response.Body.WriteAsync(": keep-alive\n\n"u8.ToArray(), ending.Token).ConfigureAwait(false);
                }

                await context.Response.Body.FlushAsync(ending.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ending.IsCancellationRequested)
        {
            // The reviewer left or the server is stopping; the browser reconnects by itself.
        }
    }
}
