using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActionGuard.Tests.TestSupport;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with an OS-assigned port, for tests that must go over the wire.
/// Map endpoints in <c>configure</c>; dispose to stop.
/// </summary>
public sealed class KestrelTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private KestrelTestServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>Gets the server's address, with a trailing slash, for example <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the port the server listens on.</summary>
    public int Port => BaseAddress.Port;

    /// <summary>Gets the application's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server whose endpoints are mapped by <paramref name="configure"/>.</summary>
    public static Task<KestrelTestServer> StartAsync(Action<WebApplication> configure, CancellationToken cancellationToken = default)
        => StartAsync(configureBuilder: null, configure, cancellationToken);

    /// <summary>Starts a server; <paramref name="configureBuilder"/> can add services before the app is built.</summary>
    public static Task<KestrelTestServer> StartAsync(
        Action<WebApplicationBuilder>? configureBuilder,
        Action<WebApplication> configure,
        CancellationToken cancellationToken = default)
        => StartAsync(configureBuilder, configure, port: 0, cancellationToken);

    /// <summary>Starts a server on <paramref name="port"/> (0: an OS-assigned one).</summary>
    public static async Task<KestrelTestServer> StartAsync(
        Action<WebApplicationBuilder>? configureBuilder,
        Action<WebApplication> configure,
        int port,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configure);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        configureBuilder?.Invoke(builder);

        var app = builder.Build();
        try
        {
            configure(app);
            await app.StartAsync(cancellationToken);

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new KestrelTestServer(app, new Uri(address.TrimEnd('/') + "/"));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server; the port then refuses connections. Safe to call more than once.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}
