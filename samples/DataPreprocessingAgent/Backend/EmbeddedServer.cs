using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ActionGuard.Server;
using ActionGuard.Server.Development;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DataPreprocessingAgent.Backend;

/// <summary>
/// ActionGuard.Server hosted in this process on 127.0.0.1, with its SQLite store in <see cref="DataDirectory"/>, one
/// agent API key, the demo's policy file and development mode (as <c>actionguard serve --dev</c>): a development issuer
/// for people, and the review page at <see cref="ReviewPage"/> signing them in on its development form. The agent and
/// the reviewer still talk to it over HTTP, exactly as they would to a shared backend.
/// </summary>
public sealed class EmbeddedServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmbeddedServer(WebApplication app, Uri baseAddress, string dataDirectory, DevelopmentIssuer issuer)
    {
        _app = app;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        Issuer = issuer;
    }

    /// <summary>Gets the server's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the folder of the SQLite database and the development issuer's key.</summary>
    public string DataDirectory { get; }

    /// <summary>Gets the development issuer whose tokens identify people to this server.</summary>
    public DevelopmentIssuer Issuer { get; }

    /// <summary>Gets the review page, e.g. <c>http://127.0.0.1:41234/review</c>; each request's page is below it.</summary>
    public Uri ReviewPage => new(BaseAddress, "review");

    /// <summary>Starts the server.</summary>
    /// <param name="workDirectory">A folder the caller owns; the server's data and policy go beneath it.</param>
    /// <param name="agentId">The agent's identity.</param>
    /// <param name="apiKey">The agent's API key; the server keeps only its SHA-256.</param>
    /// <param name="policyJson">The policy file's content.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    public static async Task<EmbeddedServer> StartAsync(string workDirectory, string agentId, string apiKey, string policyJson, CancellationToken cancellationToken = default)
    {
        var dataDirectory = Path.Combine(workDirectory, "server-data");
        Directory.CreateDirectory(dataDirectory);
        var policyFile = Path.Combine(workDirectory, "actionguard.policy.json");
        await File.WriteAllTextAsync(policyFile, policyJson, cancellationToken);

        // The issuer name holds the address, so the port is chosen before start (as 'actionguard serve --dev' does).
        var port = FreeLoopbackPort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var settings = new Dictionary<string, string?>
        {
            ["ActionGuard:DataDirectory"] = dataDirectory,
            ["ActionGuard:Agents:ApiKeys:0:AgentId"] = agentId,
            ["ActionGuard:Agents:ApiKeys:0:KeyHash"] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey))),
            ["ActionGuard:ReviewUrlBase"] = new Uri(baseAddress, "review").AbsoluteUri,
            ["ActionGuard:Policy:File"] = policyFile,
            ["ActionGuard:Policy:Watch"] = "false",
        };

        // The content root is the work folder, so no appsettings.json from wherever the command runs is picked up,
        // and nothing is watched for changes.
        string[] args = ["--contentRoot", workDirectory, "--hostBuilder:reloadConfigOnChange", "false"];
        var app = ActionGuardServer.Create(args, builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));

            // The development issuer and its sign-in form: insecure, loopback only, for demos.
            builder.Services.AddActionGuardDevelopmentMode(baseAddress);
        });
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new EmbeddedServer(app, baseAddress, dataDirectory, app.Services.GetRequiredService<DevelopmentIssuer>());
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();

        // SQLite keeps pooled connections (and so the file) open; release them so the folder can be deleted.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
