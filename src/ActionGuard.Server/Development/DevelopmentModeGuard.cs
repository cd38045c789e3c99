using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Development;

/// <summary>
/// Keeps development mode on loopback: before anything listens it refuses <c>Kestrel:Endpoints</c> that name another
/// address and creates the issuer's key; once the server listens it checks every bound address and stops the server
/// when one is not loopback (code and configuration can add bindings the caller did not ask for).
/// </summary>
internal sealed class DevelopmentModeGuard(IServiceProvider services, IConfiguration configuration, IHostApplicationLifetime lifetime, ILogger<DevelopmentModeGuard> logger)
    : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { } url && !DevelopmentMode.IsLoopback(url))
            {
                throw Refused($"Kestrel:Endpoints:{endpoint.Key}:Url '{url}' is not a loopback address.");
            }
        }

        var issuer = services.GetRequiredService<DevelopmentIssuer>();
        DevelopmentLog.On(logger, issuer.Issuer, issuer.FilePath);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        if (addresses.FirstOrDefault(a => !DevelopmentMode.IsLoopback(a)) is { } exposed)
        {
            lifetime.StopApplication();
            throw Refused($"the server also listens on '{exposed}', which is not a loopback address.");
        }

        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static OptionsValidationException Refused(string why) => new(
        ActionGuardServerOptions.SectionName,
        typeof(ActionGuardServerOptions),
        ["Development mode refused: " + why + " Anyone can approve as anyone in development mode, so it only listens on 127.0.0.0/8, [::1] or localhost."]);
}
