using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActionGuard.Server.Tests.TestSupport;

/// <summary>
/// A man in the middle on 127.0.0.1: forwards every request to the server unchanged, except the body of
/// <c>POST /v1/approvals</c>, which it hands to a rewrite first (as a compromised proxy or gateway would).
/// </summary>
internal sealed class RewritingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;

    private RewritingProxy(WebApplication app, HttpClient upstream, Uri baseAddress)
    {
        _app = app;
        _upstream = upstream;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>How many create bodies the proxy changed.</summary>
    public int Rewritten { get; private set; }

    public static async Task<RewritingProxy> StartAsync(Uri target, Action<JsonObject> rewriteCreate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var upstream = new HttpClient { BaseAddress = target, Timeout = Timeout.InfiniteTimeSpan };
        RewritingProxy? proxy = null;
        app.Run(async context => await proxy!.ForwardAsync(context, rewriteCreate));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy = new RewritingProxy(app, upstream, new Uri(address.TrimEnd('/') + "/"));
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context, Action<JsonObject> rewriteCreate)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        if (HttpMethods.IsPost(request.Method) && request.Path == "/v1/approvals" && JsonNode.Parse(body) is JsonObject create)
        {
            rewriteCreate(create);
            body = Encoding.UTF8.GetBytes(create.ToJsonString());
            Rewritten++;
        }

        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), request.Path.ToString().TrimStart('/') + request.QueryString);
        if (body.Length > 0)
        {
            forward.Content = new ByteArrayContent(body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (HopHeaders.Contains(name))
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                forward.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        using var response = await _upstream.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopHeaders.Contains(name))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
