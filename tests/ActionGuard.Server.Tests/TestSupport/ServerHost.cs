using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ActionGuard.Server.Store;
using ActionGuard.Server.Store.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActionGuard.Server.Tests.TestSupport;

// The backend under test, either on a real Kestrel at 127.0.0.1 or in memory through WebApplicationFactory.
public sealed class ServerHost : IAsyncDisposable
{
    public const string AgentId = "agent-1";
    public const string AgentKey = "ag-key-agent-1-secret";
    public const string OtherAgentId = "agent-2";
    public const string OtherAgentKey = "ag-key-agent-2-secret";

    private readonly WebApplication? _app;
    private readonly InMemoryFactory? _factory;
    private readonly bool _ownsData;

    private ServerHost(WebApplication? app, InMemoryFactory? factory, Uri baseAddress, string dataDirectory, bool ownsData)
    {
        _app = app;
        _factory = factory;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        _ownsData = ownsData;
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    public IServiceProvider Services => _app?.Services ?? _factory!.Services;

    internal SqliteStore Store => (SqliteStore)Services.GetRequiredService<IApprovalStore>();

    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "ag-server-tests", Guid.NewGuid().ToString("N"));

    public static Dictionary<string, string?> DefaultSettings(TestOidcIssuer idp, string dataDirectory) => new()
    {
        ["ActionGuard:DataDirectory"] = dataDirectory,
        ["ActionGuard:Issuers:0:Issuer"] = idp.Issuer,
        ["ActionGuard:Issuers:0:Audience"] = TestOidcIssuer.Audience,
        ["ActionGuard:Issuers:0:RequireHttpsMetadata"] = "false",
        ["ActionGuard:Agents:ApiKeys:0:AgentId"] = AgentId,
        ["ActionGuard:Agents:ApiKeys:0:KeyHash"] = Hash(AgentKey),
        ["ActionGuard:Agents:ApiKeys:1:AgentId"] = OtherAgentId,
        ["ActionGuard:Agents:ApiKeys:1:KeyHash"] = Hash(OtherAgentKey),
        ["ActionGuard:Limits:AgentRequestsPerSecond"] = "10000",
        ["ActionGuard:Limits:AgentBurst"] = "10000",
        ["ActionGuard:Limits:ApproverRequestsPerSecond"] = "10000",
        ["ActionGuard:Limits:ApproverBurst"] = "10000",
        ["ActionGuard:Policy:Rules:0:Name"] = "two-person",
        ["ActionGuard:Policy:Rules:0:Kind"] = "permission_change",
        ["ActionGuard:Policy:Rules:0:MinApprovals"] = "2",
        ["ActionGuard:Policy:Rules:1:Name"] = "ops-only",
        ["ActionGuard:Policy:Rules:1:Kind"] = "infrastructure_mutation",
        ["ActionGuard:Policy:Rules:1:ApproverGroups:0"] = "ops",
        ["ActionGuard:Policy:Rules:2:Name"] = "dev-exports",
        ["ActionGuard:Policy:Rules:2:Kind"] = "data_export",
        ["ActionGuard:Policy:Rules:2:Environment"] = "dev",
        ["ActionGuard:Policy:Rules:2:Decision"] = "allow",
        ["ActionGuard:Policy:Rules:3:Name"] = "no-plain-http",
        ["ActionGuard:Policy:Rules:3:Destination"] = "http://*",
        ["ActionGuard:Policy:Rules:3:Decision"] = "deny",
        ["ActionGuard:Policy:Rules:3:Reason"] = "Plain HTTP destinations are not allowed.",
        ["ActionGuard:Policy:Rules:4:Name"] = "short",
        ["ActionGuard:Policy:Rules:4:ActionName"] = "short.*",
        ["ActionGuard:Policy:Rules:4:Ttl"] = "00:00:00.500",
    };

    public static string Hash(string key) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static async Task<ServerHost> StartKestrelAsync(
        TestOidcIssuer idp,
        Action<Dictionary<string, string?>>? settings = null,
        TimeProvider? timeProvider = null,
        string? dataDirectory = null,
        int port = 0,
        ILoggerProvider? logs = null,
        Action<IServiceCollection>? services = null)
    {
        var ownsData = dataDirectory is null;
        dataDirectory ??= NewDataDirectory();
        var values = DefaultSettings(idp, dataDirectory);
        settings?.Invoke(values);
        var app = ActionGuardServer.Create([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(values);
            builder.Logging.ClearProviders();
            if (logs is not null)
            {
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
                builder.Logging.AddProvider(logs);
            }

            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
            if (timeProvider is not null)
            {
                builder.Services.AddSingleton(timeProvider);
            }

            services?.Invoke(builder.Services);
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ServerHost(app, null, new Uri(address.TrimEnd('/') + "/"), dataDirectory, ownsData);
    }

    public static ServerHost StartInMemory(TestOidcIssuer idp, Action<Dictionary<string, string?>>? settings = null, TimeProvider? timeProvider = null)
    {
        var dataDirectory = NewDataDirectory();
        var values = DefaultSettings(idp, dataDirectory);
        settings?.Invoke(values);
        // WebApplicationFactory looks for a content root next to the solution unless told; the output folder will do.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_ACTIONGUARD_SERVER_TESTS", AppContext.BaseDirectory);
        var factory = new InMemoryFactory(values, timeProvider);
        _ = factory.Server; // starts the host
        return new ServerHost(null, factory, factory.Server.BaseAddress, dataDirectory, ownsData: true);
    }

    public HttpClient CreateClient(string? bearer = null)
    {
        var client = _factory is not null ? _factory.CreateClient() : new HttpClient { BaseAddress = BaseAddress };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>An HttpClient that reaches this server, for the SDK's <see cref="Client.ApprovalClient"/>.</summary>
    public HttpClient CreateRawClient() => _factory is not null ? _factory.CreateClient() : new HttpClient();

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_ownsData)
        {
            SqliteClear();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void SqliteClear() => Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

    private sealed class InMemoryFactory(Dictionary<string, string?> settings, TimeProvider? timeProvider) : WebApplicationFactory<ServerHost>
    {
        protected override IHostBuilder CreateHostBuilder() =>
            Host.CreateDefaultBuilder()
                .ConfigureLogging(l => l.ClearProviders())
                .ConfigureWebHostDefaults(web => web
                    .ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings))
                    .ConfigureServices((context, services) =>
                    {
                        if (timeProvider is not null)
                        {
                            services.AddSingleton(timeProvider);
                        }

                        services.AddActionGuardServer(context.Configuration);
                    })
                    .Configure(app => app.UseActionGuardServer()));
    }
}
