using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace ActionGuard.Server;

/// <summary>Builds and runs the approval backend on Kestrel: the entry that <c>actionguard serve</c> and tests host.</summary>
public static class ActionGuardServer
{
    /// <summary>
    /// Creates the application: configuration from appsettings.json, environment variables and <paramref name="args"/>
    /// (for example <c>--urls http://127.0.0.1:5080</c> or <c>--ActionGuard:DataDirectory /var/lib/actionguard</c>),
    /// the backend's services and endpoints.
    /// </summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="configure">Adjusts the builder (configuration, logging, services) before the application is built.</param>
    /// <returns>The application, not yet started.</returns>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateSlimBuilder(args);
        configure?.Invoke(builder);
        builder.Services.AddActionGuardServer(builder.Configuration);
        var app = builder.Build();
        app.UseActionGuardServer();
        return app;
    }

    /// <summary>Creates the application and runs it until <paramref name="cancellationToken"/> or a shutdown signal.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="cancellationToken">Stops the server.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    public static async Task RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var app = Create(args);
        await using (app.ConfigureAwait(false))
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
