using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActionGuard.Client;
using ActionGuard.Server;
using ActionGuard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Tests.TestSupport;

/// <summary>
/// The real ActionGuard server on 127.0.0.1 (its endpoints, authentication and approval service, on the in-memory
/// store) with a recording, fault-injecting layer in front, and an <see cref="InMemoryApprovalBackend"/> attached to its
/// approval service to script, decide and assert, so what agents meet over HTTP is exactly what the server answers.
/// </summary>
/// <remarks>
/// Agents authenticate with <c>Authorization: Bearer &lt;api key&gt;</c>; the agents in <see cref="KnownAgents"/> are
/// configured, each with <see cref="ApiKeyFor"/>. Every request is recorded (<see cref="ReceivedRequests"/>) before
/// faults queued with <see cref="InjectFault"/> run.
/// </remarks>
public sealed class ProtocolTestServer : IAsyncDisposable
{
    private const string ProblemTypeBase = "https://actionguard.dev/problems/";
    private const string ProblemMediaType = "application/problem+json";
    private const string JsonMediaType = "application/json";

    private readonly Lock _gate = new();
    private readonly List<ReceivedRequest> _received = [];
    private readonly Dictionary<ProtocolEndpoint, List<QueuedFault>> _faults = [];
    private readonly List<RequestWaiter> _waiters = [];
    private KestrelTestServer? _kestrel;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "ag-protocol-tests", Guid.NewGuid().ToString("N"));
    private InMemoryApprovalBackend? _backend;

    private ProtocolTestServer()
    {
    }

    /// <summary>Gets the agents the server knows (agent ids).</summary>
    public static IReadOnlyList<string> KnownAgents { get; } = ["agent-a", "agent-b", "agent-raw"];

    /// <summary>Gets the server's base address (with a trailing slash): the SDK's endpoint and the tokens' issuer.</summary>
    public Uri BaseAddress => Kestrel.BaseAddress;

    /// <summary>Gets the backend that decides; script it, decide by hand, and assert on what it recorded.</summary>
    public InMemoryApprovalBackend Backend => _backend ?? throw new InvalidOperationException("The server is not started.");

    /// <summary>Gets every request received, in arrival order.</summary>
    public IReadOnlyList<ReceivedRequest> ReceivedRequests
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    private KestrelTestServer Kestrel => _kestrel ?? throw new InvalidOperationException("The server is not started.");

    /// <summary>Returns the API key of <paramref name="agentId"/>, one of <see cref="KnownAgents"/>.</summary>
    /// <param name="agentId">The agent.</param>
    /// <returns>Its key.</returns>
    public static string ApiKeyFor(string agentId) =>
        KnownAgents.Contains(agentId) ? "ak_" + agentId + "_test" : throw new ArgumentException($"'{agentId}' is not one of the test server's agents: {string.Join(", ", KnownAgents)}.", nameof(agentId));

    /// <summary>Starts a server on a free port.</summary>
    /// <param name="configure">Configures the backend; its <see cref="InMemoryApprovalBackendOptions.Issuer"/> is always the server's address.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    public static async Task<ProtocolTestServer> StartAsync(Action<InMemoryApprovalBackendOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        // The issuer names the port, and the server must know its issuer before it starts: take a free port first.
        var port = FreePort();
        var options = new InMemoryApprovalBackendOptions();
        configure?.Invoke(options);
        options.Issuer = new Uri($"http://127.0.0.1:{port}/");

        var server = new ProtocolTestServer();
        server._kestrel = await KestrelTestServer.StartAsync(
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(Settings(options, server._dataDirectory));
                builder.Services.AddSingleton(options.TimeProvider);
                InMemoryApprovalBackend.AddToServer(builder.Services);
                builder.Services.AddActionGuardServer(builder.Configuration);
            },
            app =>
            {
                app.Use(server.RecordAndInjectFaultsAsync);
                app.UseActionGuardServer();
            },
            port,
            cancellationToken);
        server._backend = new InMemoryApprovalBackend(options, server._kestrel.Services);
        return server;
    }

    /// <summary>Makes the next <paramref name="times"/> requests to <paramref name="endpoint"/> suffer <paramref name="fault"/>.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="fault">The fault.</param>
    /// <param name="times">How many requests; faults queued for one endpoint apply in order.</param>
    public void InjectFault(ProtocolEndpoint endpoint, ServerFault fault, int times = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        lock (_gate)
        {
            if (!_faults.TryGetValue(endpoint, out var queue))
            {
                _faults[endpoint] = queue = [];
            }

            queue.Add(new QueuedFault(fault, times));
        }
    }

    /// <summary>Returns how many requests reached <paramref name="endpoint"/>, faulted ones included.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns>The count.</returns>
    public int CountRequests(ProtocolEndpoint endpoint)
    {
        lock (_gate)
        {
            return _received.Count(r => r.Endpoint == endpoint);
        }
    }

    /// <summary>Returns the requests that reached <paramref name="endpoint"/>, in order.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns>The requests.</returns>
    public IReadOnlyList<ReceivedRequest> RequestsTo(ProtocolEndpoint endpoint)
    {
        lock (_gate)
        {
            return [.. _received.Where(r => r.Endpoint == endpoint)];
        }
    }

    /// <summary>Waits until the <paramref name="occurrence"/>-th request to <paramref name="endpoint"/> has arrived.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="occurrence">Which request, counting from 1.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>That request.</returns>
    public Task<ReceivedRequest> WaitForRequestAsync(ProtocolEndpoint endpoint, int occurrence = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(occurrence, 1);
        lock (_gate)
        {
            var matching = _received.Where(r => r.Endpoint == endpoint).ToList();
            if (matching.Count >= occurrence)
            {
                return Task.FromResult(matching[occurrence - 1]);
            }

            var waiter = new RequestWaiter(endpoint, occurrence);
            _waiters.Add(waiter);
            return waiter.Completion.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Stops listening: the port refuses connections from now on. The backend stays readable.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public Task StopAsync() => Kestrel.StopAsync();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_kestrel is not null)
        {
            await _kestrel.DisposeAsync();
        }

        _backend?.Dispose();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private static ProtocolEndpoint Classify(string method, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var get = HttpMethods.IsGet(method);
        var post = HttpMethods.IsPost(method);
        return segments switch
        {
            [".well-known", "jwks.json"] when get => ProtocolEndpoint.SigningKeys,
            ["v1", "approvals"] when post => ProtocolEndpoint.CreateApproval,
            ["v1", "approvals", _] when get => ProtocolEndpoint.GetApproval,
            ["v1", "approvals", _, "events"] when get => ProtocolEndpoint.ApprovalEvents,
            ["v1", "approvals", _, "claim"] when post => ProtocolEndpoint.Claim,
            ["v1", "approvals", _, "outcome"] when post => ProtocolEndpoint.Outcome,
            ["v1", "approvals", _, "cancel"] when post => ProtocolEndpoint.Cancel,
            ["v1", "outcomes"] when post => ProtocolEndpoint.Outcomes,
            _ => ProtocolEndpoint.Unknown,
        };
    }

    // The store is in memory; the folder only holds what the host keeps beside its data (data-protection keys).
    private static Dictionary<string, string?> Settings(InMemoryApprovalBackendOptions options, string dataDirectory)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ActionGuard:Issuer"] = options.Issuer.AbsoluteUri.TrimEnd('/'),
            ["ActionGuard:ReviewUrlBase"] = new Uri(options.Issuer, "approvals").AbsoluteUri,
            ["ActionGuard:DataDirectory"] = dataDirectory,
            ["ActionGuard:DefaultTtl"] = options.DefaultTtl.ToString("c", CultureInfo.InvariantCulture),
            ["ActionGuard:ClaimWindow"] = options.ClaimWindow.ToString("c", CultureInfo.InvariantCulture),
            ["ActionGuard:TokenLifetime"] = options.TokenLifetime.ToString("c", CultureInfo.InvariantCulture),
            ["ActionGuard:Policy:DefaultMinApprovals"] = options.DefaultMinApprovals.ToString(CultureInfo.InvariantCulture),
            ["ActionGuard:Policy:Watch"] = "false",
            ["ActionGuard:Limits:AgentRequestsPerSecond"] = "100000",
            ["ActionGuard:Limits:AgentBurst"] = "100000",
        };
        for (var i = 0; i < KnownAgents.Count; i++)
        {
            settings[$"ActionGuard:Agents:ApiKeys:{i}:AgentId"] = KnownAgents[i];
            settings[$"ActionGuard:Agents:ApiKeys:{i}:KeyHash"] = ActionGuard.Server.Identity.CallerAuthenticator.HashApiKey(ApiKeyFor(KnownAgents[i]));
        }

        return settings;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task RecordAndInjectFaultsAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        request.EnableBuffering();
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        request.Body.Position = 0;
        var endpoint = Classify(request.Method, request.Path.Value ?? string.Empty);
        var received = new ReceivedRequest(
            endpoint,
            request.Method,
            request.Path.Value ?? string.Empty,
            request.QueryString.Value ?? string.Empty,
            request.Headers.Authorization.Count > 0 ? request.Headers.Authorization.ToString() : null,
            request.Headers.TryGetValue("Idempotency-Key", out var key) ? key.ToString() : null,
            body);

        ServerFault? fault;
        lock (_gate)
        {
            _received.Add(received);
            var count = _received.Count(r => r.Endpoint == endpoint);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Endpoint == endpoint && _waiters[i].Occurrence <= count)
                {
                    _waiters[i].Completion.TrySetResult(_received.Where(r => r.Endpoint == endpoint).ElementAt(_waiters[i].Occurrence - 1));
                    _waiters.RemoveAt(i);
                }
            }

            fault = TakeFault(endpoint);
        }

        if (fault is null)
        {
            await next(context);
            return;
        }

        try
        {
            if (fault.RunsAfterEndpoint)
            {
                await RunThenFaultAsync(context, next, fault);
            }
            else
            {
                await FaultThenMaybeRunAsync(context, next, fault);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up while the fault held its request: nobody is listening for an answer.
        }
    }

    private ServerFault? TakeFault(ProtocolEndpoint endpoint)
    {
        if (!_faults.TryGetValue(endpoint, out var queue) || queue.Count == 0)
        {
            return null;
        }

        var head = queue[0];
        head.Remaining--;
        if (head.Remaining == 0)
        {
            queue.RemoveAt(0);
        }

        return head.Fault;
    }

    private static async Task FaultThenMaybeRunAsync(HttpContext context, RequestDelegate next, ServerFault fault)
    {
        switch (fault.Kind)
        {
            case ServerFault.FaultKind.Status:
                await WriteProblemAsync(context, fault.StatusCode, ProblemTypeBase + "injected-fault", "Injected fault", $"Injected {fault}.");
                return;
            case ServerFault.FaultKind.MalformedJson:
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = JsonMediaType;
                await context.Response.WriteAsync("{\"id\": \"apr_", context.RequestAborted);
                return;
            case ServerFault.FaultKind.DropConnection:
                context.Abort();
                return;
            case ServerFault.FaultKind.Delay:
                await Task.Delay(fault.DelayBy, context.RequestAborted);
                break;
            case ServerFault.FaultKind.Hold:
                await fault.Release!.WaitAsync(context.RequestAborted);
                break;
            default:
                throw new InvalidOperationException($"{fault} cannot run before the endpoint.");
        }

        await next(context);
    }

    private static async Task RunThenFaultAsync(HttpContext context, RequestDelegate next, ServerFault fault)
    {
        var response = context.Response;
        var original = response.Body;
        using var buffer = new MemoryStream();
        response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            response.Body = original;
        }

        switch (fault.Kind)
        {
            case ServerFault.FaultKind.Status:
                response.Clear();
                await WriteProblemAsync(context, fault.StatusCode, ProblemTypeBase + "injected-fault", "Injected fault", $"Injected {fault}; the endpoint ran.");
                return;
            case ServerFault.FaultKind.DropConnection:
                context.Abort();
                return;
            case ServerFault.FaultKind.HoldReply:
                await fault.Release!.WaitAsync(context.RequestAborted);
                response.ContentLength = buffer.Length;
                await original.WriteAsync(buffer.ToArray(), context.RequestAborted);
                return;
            case ServerFault.FaultKind.RewriteJson:
                var bytes = buffer.ToArray();
                if (response.StatusCode is >= 200 and < 300 && JsonNode.Parse(bytes) is JsonObject json)
                {
                    fault.Rewrite!(json);
                    bytes = JsonSerializer.SerializeToUtf8Bytes(json);
                }

                response.ContentLength = bytes.Length;
                await original.WriteAsync(bytes, context.RequestAborted);
                return;
            default:
                throw new InvalidOperationException($"{fault} cannot run after the endpoint.");
        }
    }

    private static Task WriteProblemAsync(
        HttpContext context,
        HttpStatusCode status,
        string? type,
        string title,
        string? detail,
        IReadOnlyDictionary<string, string[]>? errors = null)
    {
        var problem = new ApprovalProblem
        {
            Type = type ?? "about:blank",
            Title = title,
            Status = (int)status,
            Detail = detail,
            Errors = errors is { Count: > 0 } ? new Dictionary<string, string[]>(errors, StringComparer.Ordinal) : null,
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(problem, ApprovalJsonContext.Default.ApprovalProblem);
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = ProblemMediaType;
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    private sealed class QueuedFault(ServerFault fault, int remaining)
    {
        public ServerFault Fault { get; } = fault;

        public int Remaining { get; set; } = remaining;
    }

    private sealed class RequestWaiter(ProtocolEndpoint endpoint, int occurrence)
    {
        public ProtocolEndpoint Endpoint { get; } = endpoint;

        public int Occurrence { get; } = occurrence;

        public TaskCompletionSource<ReceivedRequest> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
