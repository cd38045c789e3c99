using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActionGuard.Client;
using ActionGuard.Server.Store;
using ActionGuard.TestSupport;
using Npgsql;

namespace ActionGuard.Server.LoadTest.Infrastructure;

// One server child with its settings, the agents (SDK ApprovalClient over API keys) and approvers (OIDC tokens)
// that drive it. Every scenario gets a fresh harness: a new database and a new process.
internal sealed class Harness : IAsyncDisposable
{
    private static readonly JsonElement Segment = JsonSerializer.SerializeToElement("emea");
    private static readonly JsonElement Limit = JsonSerializer.SerializeToElement(100);

    private readonly string _folder;
    private readonly SocketsHttpHandler _handler;
    private readonly string? _postgres;
    private readonly string? _database;

    private Harness(string folder, ServerProcess server, SocketsHttpHandler handler, HttpClient http, List<ApprovalClient> agents, List<string> approverTokens, List<string> apiKeys, string? postgres, string? database)
    {
        _postgres = postgres;
        _database = database;
        ApiKeys = apiKeys;
        _folder = folder;
        Server = server;
        _handler = handler;
        Http = http;
        Agents = agents;
        ApproverTokens = approverTokens;
    }

    public ServerProcess Server { get; }

    // One pool for everything: as many connections as there are requests in flight, no idle reaping mid-run.
    public HttpClient Http { get; }

    public IReadOnlyList<ApprovalClient> Agents { get; }

    public IReadOnlyList<string> ApproverTokens { get; }

    /// <summary>Gets the CPU PostgreSQL has spent so far on this machine; zero on the embedded SQLite store.</summary>
    public TimeSpan DatabaseCpuTime => _postgres is null ? TimeSpan.Zero : DatabaseCpu.Read();

    /// <summary>Gets the agents' API keys, in agent order, for scenarios that run the SDK's own client.</summary>
    public IReadOnlyList<string> ApiKeys { get; }

    public static async Task<Harness> StartAsync(TestOidcIssuer issuer, int agents, LoadOptions options, CancellationToken cancellationToken)
    {
        var (approvers, http2) = (options.Approvers, options.Http2);
        var folder = Path.Combine(Path.GetTempPath(), "ag-load", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var keys = Enumerable.Range(0, agents).Select(_ => "ag-load-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))).ToList();
        var settings = new JsonObject
        {
            ["ActionGuard"] = new JsonObject
            {
                ["DataDirectory"] = Path.Combine(folder, "data"),
                ["DefaultTtl"] = "01:00:00",
                ["Issuers"] = new JsonArray(new JsonObject
                {
                    ["Issuer"] = issuer.Issuer,
                    ["Audience"] = TestOidcIssuer.Audience,
                    ["RequireHttpsMetadata"] = false,
                }),
                [nameof(ActionGuardServerOptions.Agents)] = new JsonObject
                {
                    [nameof(AgentAuthenticationOptions.ApiKeys)] = new JsonArray([.. keys.Select((key, i) => (JsonNode)new JsonObject
                    {
                        ["AgentId"] = AgentId(i),
                        ["KeyHash"] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))),
                    })]),
                },

                // The allowed scenario's dev exports: policy decides them at creation, no person involved.
                ["Policy"] = new JsonObject
                {
                    ["Rules"] = new JsonArray(new JsonObject { ["Name"] = "dev-exports", ["Kind"] = "data_export", ["Environment"] = "dev", ["Decision"] = "allow" }),
                },

                // Raised for the test: the defaults (50/s per agent, 10/s per approver) are production guards against
                // a stolen credential, not capacity limits; four approvers deciding thousands per second would hit them.
                ["Limits"] = new JsonObject
                {
                    [nameof(ServerLimitsOptions.AgentRequestsPerSecond)] = 1_000_000,
                    [nameof(ServerLimitsOptions.AgentBurst)] = 1_000_000,
                    [nameof(ServerLimitsOptions.ApproverRequestsPerSecond)] = 1_000_000,
                    [nameof(ServerLimitsOptions.ApproverBurst)] = 1_000_000,
                },
            },
        };
        string? database = null;
        if (options.Postgres is { } admin)
        {
            database = await CreateDatabaseAsync(admin, cancellationToken);
            settings["ActionGuard"]!["Store"] = new JsonObject
            {
                [nameof(StoreOptions.Provider)] = StoreOptions.Postgres,
                [nameof(StoreOptions.ConnectionString)] = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString,
            };
        }

        var settingsPath = Path.Combine(folder, "settings.json");
        await File.WriteAllTextAsync(settingsPath, settings.ToJsonString(), cancellationToken);
        ServerProcess server;
        try
        {
            server = await ServerProcess.StartAsync(settingsPath, options.ServerGc, cancellationToken);
        }
        catch
        {
            await DropDatabaseAsync(options.Postgres, database);
            throw;
        }

        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            UseProxy = false,
            EnableMultipleHttp2Connections = true,
        };
        var address = http2 ? server.Http2Address : server.BaseAddress;
        HttpMessageHandler outer = http2 ? new Http2Only { InnerHandler = handler } : handler;
        var http = new HttpClient(outer, disposeHandler: false) { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
        var clients = keys.Select(key => new ApprovalClient(http, new ApprovalClientOptions { Endpoint = address, ApiKey = key })).ToList();
        var tokens = Enumerable.Range(0, approvers).Select(i => issuer.IssueToken("approver-" + i, name: "approver-" + i, lifetime: TimeSpan.FromHours(2))).ToList();
        return new Harness(folder, server, handler, http, clients, tokens, keys, options.Postgres, database);
    }

    public static string AgentId(int index) => "load-agent-" + index;

    public static CreateApprovalRequest NewRequest() => new()
    {
        Action = new ApprovalAction
        {
            Kind = "data_export",
            Name = "Exporter.Export",
            Resource = "crm://customers",
            Destination = "s3://exports/q3.csv",
            Environment = "prod",
        },
        Arguments = new Dictionary<string, JsonElement> { ["segment"] = Segment, ["limit"] = Limit },
        DataClasses = new Dictionary<string, long> { ["email"] = 3 },
        Justification = "quarterly report",
        ActionHash = "sha256:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
    };

    public static string NewIdempotencyKey() => Guid.NewGuid().ToString("N");

    /// <summary>An approver's decision over raw HTTP; throws unless the server answers 200.</summary>
    public async Task DecideAsync(string approvalId, int approver, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/approvals/" + approvalId + "/decisions")
        {
            Content = new StringContent("{\"verdict\":\"approve\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApproverTokens[approver % ApproverTokens.Count]);
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"decide {approvalId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    public static long Now() => Stopwatch.GetTimestamp();

    public static double Seconds(long from, long to) => (to - from) / (double)Stopwatch.Frequency;

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in Agents)
        {
            agent.Dispose();
        }

        Http.Dispose();
        _handler.Dispose();
        await Server.DisposeAsync();
        await DropDatabaseAsync(_postgres, _database);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<string> CreateDatabaseAsync(string admin, CancellationToken cancellationToken)
    {
        var database = "ag_load_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        return database;
    }

    private static async Task DropDatabaseAsync(string? admin, string? database)
    {
        if (admin is null || database is null)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    // Every request as HTTP/2 with prior knowledge: the protocol client builds its own request messages, which default
    // to HTTP/1.1.
    private sealed class Http2Only : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Version = System.Net.HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
