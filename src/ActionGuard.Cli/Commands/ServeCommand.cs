using System.CommandLine;
using ActionGuard.Cli.Hosting;

namespace ActionGuard.Cli.Commands;

/// <summary><c>serve</c>: runs the approval backend with its embedded SQLite store.</summary>
internal static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public static Command Create(CliEnvironment environment)
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Addresses to listen on, separated by ';'.",
            DefaultValueFactory = _ => DefaultUrls,
        };
        var dataDirectory = new Option<string?>("--data-dir")
        {
            Description = "Folder of the SQLite database, created on first start. Default: ActionGuard:DataDirectory from configuration, else " + DataDirectory.Default + ".",
        };
        var dev = new Option<bool>("--dev")
        {
            Description = "INSECURE development mode: a local OIDC issuer whose key sits in the data folder, for 'actionguard dev token'. Loopback addresses only.",
        };
        var serve = new Command(
            "serve",
            "Run the approval backend. Further settings come from appsettings.json, ActionGuard__* environment variables or --ActionGuard:<Key> <value> arguments.");
        serve.Options.Add(urls);
        serve.Options.Add(dataDirectory);
        serve.Options.Add(dev);
        serve.TreatUnmatchedTokensAsErrors = false;
        serve.SetAction((parse, cancellationToken) => ServerLauncher.RunAsync(
            new ServeSettings(parse.GetValue(urls)!, parse.GetValue(dataDirectory), parse.GetValue(dev), [.. parse.UnmatchedTokens]),
            environment,
            cancellationToken));
        return serve;
    }
}
