using ActionGuard.Cli.Development;
using ActionGuard.Server;
using ActionGuard.Server.Development;
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

            if (settings.Dev)
            {
                // The server trusts its development issuer alongside whatever issuers the configuration names, and the
                // review page signs people in on its development form.
                builder.Services.AddActionGuardDevelopmentMode(new Uri(urls[0]));
            }

            environment.ConfigureServer?.Invoke(builder);
        });

        await using (app.ConfigureAwait(false))
        {
            var dataDirectory = Path.GetFullPath(Path.Combine(app.Environment.ContentRootPath, app.Configuration[DataDirectoryKey] ?? DataDirectory.Default));
            if (settings.Dev)
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
            catch (InvalidDataException ex)
            {
                throw new CliException(ExitCodes.Refused, $"error: {ex.Message} Delete it and start 'actionguard serve --dev' again.");
            }
            catch (IOException ex)
            {
                await environment.Error.WriteLineAsync($"error: the server cannot listen on {string.Join(';', urls)}: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Refused;
            }

            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
            var devIssuer = settings.Dev ? app.Services.GetRequiredService<DevelopmentIssuer>() : null;
            if (devIssuer is not null && addresses.FirstOrDefault(a => !LoopbackUrls.IsLoopback(a)) is { } exposed)
            {
                // Configuration (Kestrel:Endpoints) can add bindings that --urls does not show; check what is really bound.
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                throw new CliException(ExitCodes.Usage, $"error: --dev refused: the server also listens on '{exposed}', which is not a loopback address. Remove that endpoint from the configuration.");
            }

            var reviewPage = ReviewPage(app.Services.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value, addresses);
            if (devIssuer is not null)
            {
                await WriteBannerAsync(environment.Error, devIssuer, dataDirectory, reviewPage).ConfigureAwait(false);
            }

            await environment.Out.WriteLineAsync($"ActionGuard server listening on {string.Join(", ", addresses)}").ConfigureAwait(false);
            await environment.Out.WriteLineAsync($"Data folder: {dataDirectory}").ConfigureAwait(false);
            if (reviewPage is not null)
            {
                await environment.Out.WriteLineAsync($"Review page: {reviewPage}").ConfigureAwait(false);
            }

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

    /// <summary>The review page's address when it is on: <c>ReviewUrlBase</c>, else the first bound address.</summary>
    private static string? ReviewPage(ActionGuardServerOptions options, List<string> addresses) =>
        string.IsNullOrWhiteSpace(options.Review.ClientId) ? null
        : options.ReviewUrlBase is { Length: > 0 } configured ? configured.TrimEnd('/')
        : addresses.Count > 0 ? addresses[0].TrimEnd('/') + "/review"
        : null;

    private static async Task WriteBannerAsync(TextWriter output, DevelopmentIssuer issuer, string dataDirectory, string? reviewPage)
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
            .. reviewPage is null ? Array.Empty<string>() : ["!!  Review page: " + reviewPage + " (sign in on its development form with any user name and groups)"],
            Rule,
        ];
        foreach (var line in lines)
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }
    }
}
