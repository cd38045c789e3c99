using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using ActionGuard.Client;
using ActionGuard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ActionGuard.Tests.TestSupport;

/// <summary>
/// A test double of the approval backend over real HTTP: a Kestrel server on 127.0.0.1 that speaks the agent side of
/// PROTOCOL.md and acts through an <see cref="InMemoryApprovalBackend"/> whose issuer is this server's base address,
/// so decision tokens pass the SDK's <c>iss</c> check unchanged.
/// </summary>
/// <remarks>
/// Agents authenticate with <c>Authorization: Bearer &lt;api key&gt;</c> (register them with <see cref="AddAgent"/>).
/// Every request is recorded (<see cref="ReceivedRequests"/>) before faults queued with <see cref="InjectFault"/> run.
/// </remarks>
public sealed class ProtocolTestServer : IAsyncDisposable
{
    private const string ProblemTypeBase = "https://actionguard.dev/problems/";
    private const string ProblemMediaType = "application/problem+json";
    private const string JsonMediaType = "application/json";
    private const int MaxWaitSeconds = 60;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _agentsByApiKey = new(StringComparer.Ordinal);
    private readonly List<ReceivedRequest> _received = [];
    private readonly Dictionary<ProtocolEndpoint, List<QueuedFault>> _faults = [];
    private readonly List<RequestWaiter> _waiters = [];
    private KestrelTestServer? _kestrel;
    private volatile InMemoryApprovalBackend? _backend;

    private ProtocolTestServer()
    {
    }

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

    /// <summary>Starts a server on an OS-assigned port.</summary>
    /// <param name="configure">Configures the backend; its <see cref="InMemoryApprovalBackendOptions.Issuer"/> is always the server's address.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    public static async Task<ProtocolTestServer> StartAsync(Action<InMemoryApprovalBackendOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var server = new ProtocolTestServer();
        server._kestrel = await KestrelTestServer.StartAsync(server.Configure, cancellationToken);

        // The port is only known once Kestrel listens, and the issuer must name it; no request can arrive before the
        // backend exists, because nobody knows the address yet.
        var options = new InMemoryApprovalBackendOptions();
        configure?.Invoke(options);
        options.Issuer = server._kestrel.BaseAddress;
        server._backend = new InMemoryApprovalBackend(options);
        return server;
    }

    /// <summary>Lets an agent authenticate with <paramref name="apiKey"/>.</summary>
    /// <param name="agentId">The agent's identity.</param>
    /// <param name="apiKey">Its API key.</param>
    public void AddAgent(string agentId, string apiKey)
    {
        lock (_gate)
        {
            _agentsByApiKey[apiKey] = agentId;
        }
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
            _ => ProtocolEndpoint.Unknown,
        };
    }

    private void Configure(WebApplication app)
    {
        app.Use(RecordAndInjectFaultsAsync);
        app.MapPost("/v1/approvals", CreateAsync);
        app.MapGet("/v1/approvals/{id}", GetAsync);
        app.MapGet("/v1/approvals/{id}/events", EventsAsync);
        app.MapPost("/v1/approvals/{id}/claim", ClaimAsync);
        app.MapPost("/v1/approvals/{id}/outcome", OutcomeAsync);
        app.MapPost("/v1/approvals/{id}/cancel", CancelAsync);
        app.MapGet("/.well-known/jwks.json", SigningKeysAsync);
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

    private bool TryAuthenticate(HttpContext context, [NotNullWhen(true)] out ApprovalClient? client)
    {
        const string Scheme = "Bearer ";
        var header = context.Request.Headers.Authorization.ToString();
        string? agentId = null;
        if (header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            lock (_gate)
            {
                _agentsByApiKey.TryGetValue(header[Scheme.Length..].Trim(), out agentId);
            }
        }

        client = agentId is null ? null : Backend.CreateClient(agentId);
        return client is not null;
    }

    private Task CreateAsync(HttpContext context) => AsAgentAsync(context, async client =>
    {
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        if (string.IsNullOrWhiteSpace(key))
        {
            await WriteValidationProblemAsync(context, "Idempotency-Key", "The Idempotency-Key header is required.");
            return;
        }

        var request = await ReadBodyAsync(context, ApprovalJsonContext.Default.CreateApprovalRequest);
        if (request is null)
        {
            return;
        }

        var approval = await client.CreateApprovalAsync(request, key, context.RequestAborted);
        var replayed = Backend.Requests.LastOrDefault(r => r.IdempotencyKey == key && r.ApprovalId == approval.Id)?.IsReplay == true;
        await WriteJsonAsync(context, replayed ? StatusCodes.Status200OK : StatusCodes.Status201Created, approval, ApprovalJsonContext.Default.Approval);
    });

    private Task GetAsync(HttpContext context, string id) => AsAgentAsync(context, async client =>
    {
        TimeSpan? wait = null;
        var query = context.Request.Query["wait"].ToString();
        if (query.Length > 0)
        {
            if (!int.TryParse(query, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                await WriteValidationProblemAsync(context, "wait", "wait must be a whole number of seconds.");
                return;
            }

            wait = TimeSpan.FromSeconds(Math.Min(seconds, MaxWaitSeconds));
        }

        var approval = await client.GetApprovalAsync(id, wait, context.RequestAborted);
        await WriteJsonAsync(context, StatusCodes.Status200OK, approval, ApprovalJsonContext.Default.Approval);
    });

    private Task EventsAsync(HttpContext context, string id) => AsAgentAsync(context, async client =>
    {
        var events = client.WatchApprovalAsync(id, context.RequestAborted).GetAsyncEnumerator(context.RequestAborted);
        await using (events)
        {
            // The first change is read before the headers go out, so an unknown approval still gets a problem reply.
            var more = await events.MoveNextAsync();
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.StartAsync(context.RequestAborted);
            while (more)
            {
                var data = JsonSerializer.Serialize(events.Current, ApprovalJsonContext.Default.Approval);
                await context.Response.WriteAsync("event: approval\ndata: " + data + "\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                more = await events.MoveNextAsync();
            }
        }
    });

    private Task ClaimAsync(HttpContext context, string id) => AsAgentAsync(context, async client =>
    {
        var claim = await client.ClaimAsync(id, context.RequestAborted);
        await WriteJsonAsync(context, StatusCodes.Status200OK, claim, ApprovalJsonContext.Default.ClaimResult);
    });

    private Task OutcomeAsync(HttpContext context, string id) => AsAgentAsync(context, async client =>
    {
        var outcome = await ReadBodyAsync(context, ApprovalJsonContext.Default.ApprovalOutcome);
        if (outcome is null)
        {
            return;
        }

        await client.ReportOutcomeAsync(id, outcome, context.RequestAborted);
        await WriteJsonAsync(context, StatusCodes.Status200OK, Backend.GetApproval(id), ApprovalJsonContext.Default.Approval);
    });

    private Task CancelAsync(HttpContext context, string id) => AsAgentAsync(context, async client =>
    {
        await client.CancelAsync(id, context.RequestAborted);
        await WriteJsonAsync(context, StatusCodes.Status200OK, Backend.GetApproval(id), ApprovalJsonContext.Default.Approval);
    });

    private async Task SigningKeysAsync(HttpContext context)
    {
        context.Response.ContentType = JsonMediaType;
        await context.Response.WriteAsync(Backend.GetSigningKeys(), context.RequestAborted);
    }

    // Authenticates the agent, then maps the backend's refusals to problem replies as a real backend sends them.
    private async Task AsAgentAsync(HttpContext context, Func<ApprovalClient, Task> handle)
    {
        if (!TryAuthenticate(context, out var client))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await WriteProblemAsync(context, HttpStatusCode.Unauthorized, ProblemTypeBase + "unauthenticated", "Unauthenticated", "A known agent API key is required as a Bearer token.");
            return;
        }

        try
        {
            await handle(client);
        }
        catch (ApprovalRequestRejectedException ex) when (!context.Response.HasStarted)
        {
            await WriteProblemAsync(context, ex.StatusCode, ex.ProblemType, "Rejected", ex.Message, ex.Errors);
        }
        catch (ApprovalBackendUnavailableException ex) when (!context.Response.HasStarted)
        {
            await WriteProblemAsync(context, ex.StatusCode ?? HttpStatusCode.ServiceUnavailable, ProblemTypeBase + "unavailable", "Unavailable", ex.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The agent stopped waiting (a cancelled long poll or stream); there is nobody to answer.
        }
    }

    private static async Task<T?> ReadBodyAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync(context.Request.Body, typeInfo, context.RequestAborted);
            if (value is not null)
            {
                return value;
            }

            await WriteValidationProblemAsync(context, "body", "The body is required.");
        }
        catch (JsonException ex)
        {
            await WriteValidationProblemAsync(context, ex.Path is { Length: > 0 } path ? path : "body", ex.Message);
        }

        return null;
    }

    private static async Task WriteJsonAsync<T>(HttpContext context, int statusCode, T value, JsonTypeInfo<T> typeInfo)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = JsonMediaType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private static Task WriteValidationProblemAsync(HttpContext context, string field, string message) =>
        WriteProblemAsync(
            context,
            HttpStatusCode.BadRequest,
            ProblemTypeBase + "validation",
            "Validation failed",
            $"{field}: {message}",
            new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] });

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
