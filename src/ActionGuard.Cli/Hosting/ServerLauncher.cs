using ActionGuard.Cli.Development;
using ActionGuard.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ActionGuard.Cli.Hosting;

/// <summary>Builds, checks and runs the approval backend for <c>serve</c>.</summary>
internal static class ServerLauncher
{
    private const string DataDirectoryKey = ActionGuardServerOptions.SectionName + ":DataDirectory";

    public static async Task<int> RunAsync(ServeSettings settings, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var urls = LoopbackUrls.Split(settings.Urls);
        if (urls.Count == 0)
        {
            throw new CliException(ExitCodes.Usage, "error: --urls names no address.");
        }

        if (settings.ServerArguments.Any(a => a.TrimStart('-').StartsWith("urls", StringComparison.OrdinalIgnoreCase)))
        {
            throw new CliException(ExitCodes.Usage, "error: give the addresses once, with --urls.");
        }

        if (settings.Dev)
        {
            foreach (var url in urls)
            {
                if (!LoopbackUrls.IsLoopback(url))
                {
                    throw new CliException(
                        ExitCodes.Usage,
                        $"error: --dev refused: '{url}' is not a loopback address. Development mode lets anyone who reads the data folder approve as anyone," +
                        " so it only listens on 127.0.0.0/8, [::1] or localhost.");
                }
            }

            urls = [.. urls.Select(LoopbackUrls.ResolvePortZero)];
        }

        var devIssuerName = settings.Dev ? DevIssuer.IssuerFor(urls[0]) : null;
        var arguments = new List<string> { "--urls", string.Join(';', urls) };
        arguments.AddRange(settings.ServerArguments);

        var app = ActionGuardServer.Create([.. arguments], builder =>
        {
            if (settings.DataDirectory is not null)
            {
                builder.Configuration.AddInMemoryCollection([new(DataDirectoryKey, Path.GetFullPath(settings.DataDirectory))]);
            }
            else if (string.IsNullOrWhiteSpace(builder.Configuration[DataDirectoryKey]))
            {
                builder.Configuration.AddInMemoryCollection([new(DataDirectoryKey, DataDirectory.Default)]);
            }

            if (devIssuerName is not null)
            {
                // Added after binding, so it joins whatever issuers the configuration names instead of replacing one.
                builder.Services.PostConfigure<ActionGuardServerOptions>(options => options.Issuers.Add(new OidcIssuerOptions
                {
                    Issuer = devIssuerName,
                    Audience = DevIssuer.Audience,
                    MetadataAddress = devIssuerName + "/.well-known/openid-configuration",
                    RequireHttpsMetadata = false,
                }));
            }

            environment.ConfigureServer?.Invoke(builder);
        });

        await using (app.ConfigureAwait(false))
        {
            var dataDirectory = Path.GetFullPath(Path.Combine(app.Environment.ContentRootPath, app.Configuration[DataDirectoryKey] ?? DataDirectory.Default));
            if (devIssuerName is not null)
            {
                // Kestrel:Endpoints from configuration bind in addition to --urls; refuse before anything listens.
                foreach (var endpoint in app.Configuration.GetSection("Kestrel:Endpoints").GetChildren())
                {
                    if (endpoint["Url"] is { } url && !LoopbackUrls.IsLoopback(url))
                    {
                        throw new CliException(ExitCodes.Usage, $"error: --dev refused: Kestrel:Endpoints:{endpoint.Key}:Url '{url}' is not a loopback address.");
                    }
                }
            }

            using var devIssuer = devIssuerName is null ? null : DevIssuer.LoadOrCreate(dataDirectory, devIssuerName);
            devIssuer?.MapEndpoints(app);

            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OptionsValidationException ex)
            {
                await environment.Error.WriteLineAsync("error: the server configuration is not valid:").ConfigureAwait(false);
                foreach (var failure in ex.Failures)
                {
                    await environment.Error.WriteLineAsync("  " + failure).ConfigureAwait(false);
                }

                return ExitCodes.Usage;
            }
            catch (IOException ex)
            {
                await environment.Error.WriteLineAsync($"error: the server cannot listen on {string.Join(';', urls)}: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Refused;
            }

            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
            if (devIssuer is not null && addresses.FirstOrDefault(a => !LoopbackUrls.IsLoopback(a)) is { } exposed)
            {
                // Configuration (Kestrel:Endpoints) can add bindings that --urls does not show; check what is really bound.
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                throw new CliException(ExitCodes.Usage, $"error: --dev refused: the server also listens on '{exposed}', which is not a loopback address. Remove that endpoint from the configuration.");
            }

            if (devIssuer is not null)
            {
                await WriteBannerAsync(environment.Error, devIssuer, dataDirectory).ConfigureAwait(false);
            }

            await environment.Out.WriteLineAsync($"ActionGuard server listening on {string.Join(", ", addresses)}").ConfigureAwait(false);
            await environment.Out.WriteLineAsync($"Data folder: {dataDirectory}").ConfigureAwait(false);
            environment.ServerStarted?.Invoke([.. addresses.Select(a => new Uri(a))]);

            try
            {
                await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        return ExitCodes.Ok;
    }

    private static async Task WriteBannerAsync(TextWriter output, DevIssuer issuer, string dataDirectory)
    {
        const string Rule = "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!";
        string[] lines =
        [
            Rule,
            "!!  ACTIONGUARD DEVELOPMENT MODE (--dev): INSECURE. FOR FIRST RUN AND DEMOS ONLY.",
            "!!  A local OIDC issuer with a built-in key is trusted for approvers and auditors:",
            "!!    issuer " + issuer.Issuer,
            "!!    key    " + issuer.FilePath,
            "!!  Anyone who can read that file can approve as anyone. Never use it for real approvals;",
            "!!  configure your identity provider under ActionGuard:Issuers instead.",
            "!!  Mint a token: actionguard dev token --data-dir \"" + dataDirectory + "\" --subject alice --group approvers",
            Rule,
        ];
        foreach (var line in lines)
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }
    }
}
