using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Development;

/// <summary>Turns on the approval backend's development mode. INSECURE: for a first run, demos and samples only.</summary>
public static class DevelopmentModeServiceCollectionExtensions
{
    /// <summary>
    /// Turns on development mode: the server trusts a local OIDC issuer (<see cref="DevelopmentIssuer"/>, its key in
    /// <c>dev-issuer.json</c> under <c>ActionGuard:DataDirectory</c>) whose discovery, JWKS, sign-in form and token
    /// endpoint it serves itself under <c>/dev/oidc</c>, and the review page signs people in there (client
    /// <c>actionguard-dev</c>) unless <c>ActionGuard:Review:ClientId</c> names a client of its own. Anyone can sign in as
    /// anyone, so development mode listens on loopback addresses only: <paramref name="serverAddress"/> must be one,
    /// <c>Kestrel:Endpoints</c> in the configuration may name no other, and the server refuses to start (an
    /// <see cref="OptionsValidationException"/>) when it finds itself bound to any other. No configuration key turns it
    /// on; only a call to this method does.
    /// </summary>
    /// <param name="services">The service collection of the server.</param>
    /// <param name="serverAddress">
    /// The server's loopback address as browsers and clients reach it, for example <c>http://127.0.0.1:5080/</c>; it is
    /// part of the issuer name, so the port must be known before start.
    /// </param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentException"><paramref name="serverAddress"/> is not an http(s) loopback address.</exception>
    /// <exception cref="InvalidOperationException">Development mode was already turned on for another address.</exception>
    public static IServiceCollection AddActionGuardDevelopmentMode(this IServiceCollection services, Uri serverAddress)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serverAddress);
        if (!DevelopmentMode.IsLoopback(serverAddress) || serverAddress.Port == 0)
        {
            throw new ArgumentException(
                $"Development mode refused: '{serverAddress}' is not a loopback address with a port. Anyone can approve as anyone in development mode," +
                " so it only listens on 127.0.0.0/8, [::1] or localhost.",
                nameof(serverAddress));
        }

        var mode = new DevelopmentMode(serverAddress);
        if (services.FirstOrDefault(d => d.ServiceType == typeof(DevelopmentMode))?.ImplementationInstance is DevelopmentMode existing)
        {
            return existing.Issuer == mode.Issuer
                ? services
                : throw new InvalidOperationException($"Development mode is already on for {existing.ServerAddress}.");
        }

        services.AddSingleton(mode);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value;
            var dataDirectory = Path.GetFullPath(Path.Combine(sp.GetRequiredService<IHostEnvironment>().ContentRootPath, options.DataDirectory));
            return DevelopmentIssuer.LoadOrCreate(dataDirectory, mode.Issuer);
        });
        services.AddSingleton<AuthorizationCodes>();
        services.AddHostedService<DevelopmentModeGuard>();
        services.PostConfigure<ActionGuardServerOptions>(mode.Apply);
        return services;
    }
}
