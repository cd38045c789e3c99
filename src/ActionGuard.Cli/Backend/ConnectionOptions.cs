using System.CommandLine;

namespace ActionGuard.Cli.Backend;

/// <summary>The <c>--server</c> and <c>--token</c> options every approver and auditor command takes.</summary>
internal sealed class ConnectionOptions
{
    public const string ServerVariable = "ACTIONGUARD_SERVER";
    public const string TokenVariable = "ACTIONGUARD_TOKEN";
    public const string DefaultServer = "http://127.0.0.1:5080";

    public Option<string?> Server { get; } = new("--server")
    {
        Description = $"Base URL of the approval backend. Default: ${ServerVariable}, else {DefaultServer}.",
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"Approver or auditor bearer token (an OIDC JWT). Default: ${TokenVariable}.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Server);
        command.Options.Add(Token);
    }

    public BackendClient CreateClient(ParseResult parse, CliEnvironment environment)
    {
        var server = Value(parse.GetValue(Server)) ?? Value(environment.GetVariable(ServerVariable)) ?? DefaultServer;
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException(ExitCodes.Usage, $"error: the server '{server}' is not an http or https URL (--server or ${ServerVariable}).");
        }

        var token = Value(parse.GetValue(Token)) ?? Value(environment.GetVariable(TokenVariable));
        if (token is null)
        {
            throw new CliException(
                ExitCodes.Usage,
                $"error: no token. Pass --token or set ${TokenVariable} to an approver's OIDC token from your identity provider" +
                " (on a development server: actionguard dev token --subject <name> --group <group>).");
        }

        return new BackendClient(uri, token, environment.RequestTimeout);
    }

    private static string? Value(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
