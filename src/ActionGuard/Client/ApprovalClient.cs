using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ActionGuard.Utils;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace ActionGuard.Client;

/// <summary>
/// A typed client for the agent side of the ActionGuard approval protocol: one method per endpoint.
/// </summary>
/// <remarks>
/// <para>
/// Methods are <see langword="virtual"/> so tests can substitute them; <c>ActionGuard.Testing</c> derives an in-memory
/// backend from this class. Faults surface as <see cref="ApprovalBackendUnavailableException"/> (transport, 5xx,
/// timeouts, an open circuit, malformed replies, after retries) and <see cref="ApprovalRequestRejectedException"/>
/// (4xx). Cancelling through the caller's token surfaces as <see cref="OperationCanceledException"/>.
/// </para>
/// <para>
/// Disposal: an instance created with <see cref="ApprovalClient(ApprovalClientOptions)"/> owns its
/// <see cref="HttpClient"/> and releases it on <see cref="Dispose()"/>; an instance created over a caller's
/// <see cref="HttpClient"/> never disposes it.
/// </para>
/// </remarks>
public class ApprovalClient : IDisposable
{
    private const string JsonMediaType = "application/json";
    private const string EventStreamMediaType = "text/event-stream";
    private const string IdempotencyKeyHeader = "Idempotency-Key";
    private const int MaxWaitSeconds = 60;

    private readonly HttpClient? _httpClient;
    private readonly Uri? _baseAddress;
    private readonly string? _apiKey;
    private readonly Func<CancellationToken, ValueTask<string>>? _accessTokenProvider;
    private readonly bool _ownsHttpClient;

    /// <summary>Initializes a new instance for mocking.</summary>
    protected ApprovalClient()
    {
    }

    /// <summary>Initializes a new instance over <paramref name="httpClient"/>, whose handler chain should include the resilience handler.</summary>
    /// <param name="httpClient">The HTTP client; its <see cref="HttpClient.BaseAddress"/> or <see cref="ApprovalClientOptions.Endpoint"/> names the backend.</param>
    /// <param name="options">The options.</param>
    /// <remarks>The instance does not dispose <paramref name="httpClient"/>.</remarks>
    public ApprovalClient(HttpClient httpClient, ApprovalClientOptions options)
        : this(Guard.NotNull(httpClient), Guard.NotNull(options), ownsHttpClient: false)
    {
    }

    /// <summary>
    /// Initializes a new instance with its own handler chain: retries, circuit breaker and timeouts from
    /// <see cref="ApprovalClientOptions.Resilience"/> over a pooled <see cref="SocketsHttpHandler"/>.
    /// </summary>
    /// <param name="options">The options; <see cref="ApprovalClientOptions.Endpoint"/> is required.</param>
    /// <remarks>The instance owns its <see cref="HttpClient"/>: dispose it when done. Prefer one long-lived instance.</remarks>
    public ApprovalClient(ApprovalClientOptions options)
        : this(options, TimeProvider.System)
    {
    }

    internal ApprovalClient(ApprovalClientOptions options, TimeProvider timeProvider)
        : this(CreateOwnedHttpClient(options, timeProvider), options, ownsHttpClient: true)
    {
    }

    private ApprovalClient(HttpClient httpClient, ApprovalClientOptions options, bool ownsHttpClient)
    {
        var endpoint = options.Endpoint ?? httpClient.BaseAddress;
        if (endpoint is null || !endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException(
                "The backend address is required: set ApprovalClientOptions.Endpoint (or HttpClient.BaseAddress) to an absolute URI.",
                nameof(options));
        }

        _httpClient = httpClient;
        _ownsHttpClient = ownsHttpClient;
        _baseAddress = EnsureTrailingSlash(endpoint);
        _apiKey = options.ApiKey;
        _accessTokenProvider = options.AccessTokenProvider;
    }

    /// <summary>Creates an approval request (<c>POST /v1/approvals</c>).</summary>
    /// <param name="request">The request body, arguments already redacted.</param>
    /// <param name="idempotencyKey">The idempotency key: the same key and body return the same approval.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The approval, possibly already decided by server policy.</returns>
    public virtual async Task<Approval> CreateApprovalAsync(CreateApprovalRequest request, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(request);
        Guard.NotNullOrEmpty(idempotencyKey);
        if (idempotencyKey.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("The idempotency key must not contain line breaks.", nameof(idempotencyKey));
        }

        var call = ApprovalCall.Creating(request.Action?.Kind, request.Action?.Name);
        using var message = CreateRequest(HttpMethod.Post, "v1/approvals", JsonMediaType, retryable: true);
        message.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, idempotencyKey);
        message.Content = CreateJsonContent(request, ApprovalJsonContext.Default.CreateApprovalRequest, nameof(request));
        return await SendForApprovalAsync(message, expectedId: null, call, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets an approval (<c>GET /v1/approvals/{id}</c>), long-polling while it is pending when <paramref name="wait"/> is set.</summary>
    /// <param name="approvalId">The approval id.</param>
    /// <param name="wait">How long the backend may hold the reply while the approval is pending (at most 60 s).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The approval.</returns>
    /// <remarks>
    /// <paramref name="wait"/> is sent as whole seconds, rounded up and clamped to 0..60; the attempt and total timeouts
    /// are extended by it so that a held reply is not mistaken for a stalled backend.
    /// </remarks>
    public virtual async Task<Approval> GetApprovalAsync(string approvalId, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        Guard.NotNullOrEmpty(approvalId);

        var call = ApprovalCall.Getting(approvalId);
        var path = ApprovalPath(approvalId);
        TimeSpan? longPoll = null;
        if (wait is { } requested)
        {
            var seconds = requested <= TimeSpan.Zero ? 0 : (int)Math.Min(MaxWaitSeconds, Math.Ceiling(requested.TotalSeconds));
            path += "?wait=" + seconds.ToString(CultureInfo.InvariantCulture);
            longPoll = TimeSpan.FromSeconds(seconds);
        }

        using var message = CreateRequest(HttpMethod.Get, path, JsonMediaType, retryable: true);
        if (longPoll is { } held)
        {
            message.Options.Set(ApprovalRequestOptions.LongPollWait, held);
        }

        return await SendForApprovalAsync(message, approvalId, call, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Streams changes of an approval as server-sent events (<c>GET /v1/approvals/{id}/events</c>).</summary>
    /// <param name="approvalId">The approval id.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The approval after each change.</returns>
    /// <remarks>
    /// Each event's data is an approval. The sequence ends when the backend closes the stream or after an approval in a
    /// final status (denied, expired, cancelled, succeeded, failed); a caller waiting for <see cref="ApprovalStatus.Approved"/>
    /// stops enumerating itself. The connection is retried like any read; a stream that breaks later is not resumed.
    /// </remarks>
    public virtual async IAsyncEnumerable<Approval> WatchApprovalAsync(string approvalId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Guard.NotNullOrEmpty(approvalId);

        var call = ApprovalCall.Watching(approvalId);
        using var message = CreateRequest(HttpMethod.Get, ApprovalPath(approvalId) + "/events", EventStreamMediaType, retryable: true);
        message.Options.Set(ApprovalRequestOptions.Streaming, true);
        using var response = await SendAsync(message, HttpCompletionOption.ResponseHeadersRead, call, cancellationToken).ConfigureAwait(false);

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(mediaType, EventStreamMediaType, StringComparison.OrdinalIgnoreCase))
        {
            throw Unavailable(call, $"the reply has content type '{mediaType}', expected '{EventStreamMediaType}'", response.StatusCode, null);
        }

        var stream = await OpenStreamAsync(response, call, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var events = SseParser.Create(stream).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            await using (events.ConfigureAwait(false))
            {
                while (true)
                {
                    string data;
                    try
                    {
                        if (!await events.MoveNextAsync().ConfigureAwait(false))
                        {
                            yield break;
                        }

                        data = events.Current.Data;
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        throw;
                    }
                    catch (Exception ex) when (IsFault(ex))
                    {
                        throw Unavailable(call, "the event stream broke: " + ex.Message, response.StatusCode, ex);
                    }

                    if (string.IsNullOrWhiteSpace(data))
                    {
                        continue;
                    }

                    var approval = ParseApprovalEvent(data, approvalId, call, response.StatusCode);
                    yield return approval;

                    if (IsFinal(approval.Status))
                    {
                        yield break;
                    }
                }
            }
        }
    }

    /// <summary>Claims an approved approval (<c>POST /v1/approvals/{id}/claim</c>); a second claim is refused.</summary>
    /// <param name="approvalId">The approval id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The decision token.</returns>
    /// <remarks>A claim is never retried: a lost reply must not turn into a second claim.</remarks>
    public virtual async Task<ClaimResult> ClaimAsync(string approvalId, CancellationToken cancellationToken = default)
    {
        Guard.NotNullOrEmpty(approvalId);

        var call = ApprovalCall.Claiming(approvalId);
        using var message = CreateRequest(HttpMethod.Post, ApprovalPath(approvalId) + "/claim", JsonMediaType, retryable: false);
        using var response = await SendAsync(message, HttpCompletionOption.ResponseContentRead, call, cancellationToken).ConfigureAwait(false);
        var result = await ReadJsonAsync(response, ApprovalJsonContext.Default.ClaimResult, call, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(result.DecisionToken))
        {
            throw Unavailable(call, "the reply carries no decision token", response.StatusCode, null);
        }

        return result;
    }

    /// <summary>Reports how a claimed action ended (<c>POST /v1/approvals/{id}/outcome</c>).</summary>
    /// <param name="approvalId">The approval id.</param>
    /// <param name="outcome">The outcome.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the backend has recorded the outcome.</returns>
    public virtual async Task ReportOutcomeAsync(string approvalId, ApprovalOutcome outcome, CancellationToken cancellationToken = default)
    {
        Guard.NotNullOrEmpty(approvalId);
        Guard.NotNull(outcome);

        var call = ApprovalCall.ReportingOutcome(approvalId);
        using var message = CreateRequest(HttpMethod.Post, ApprovalPath(approvalId) + "/outcome", JsonMediaType, retryable: true);
        message.Content = CreateJsonContent(outcome, ApprovalJsonContext.Default.ApprovalOutcome, nameof(outcome));
        using var response = await SendAsync(message, HttpCompletionOption.ResponseContentRead, call, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reports how several claimed actions ended in one request (<c>POST /v1/outcomes</c>), which the backend commits
    /// together; at most <see cref="OutcomeReport.MaxPerRequest"/> per call.
    /// </summary>
    /// <param name="outcomes">The outcomes, 1 to <see cref="OutcomeReport.MaxPerRequest"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// One result per outcome, in order: the approval's status once recorded, or the problem that refused that item
    /// (a refused item is final; reporting it again gets the same answer). A retried report of a recorded outcome is
    /// answered like the first.
    /// </returns>
    /// <exception cref="ApprovalBackendUnavailableException">
    /// The report was not answered, or the reply does not have one result per outcome: nothing is known to be recorded.
    /// </exception>
    public virtual async Task<IReadOnlyList<OutcomeReportResult>> ReportOutcomesAsync(IReadOnlyList<OutcomeReport> outcomes, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(outcomes);
        if (outcomes.Count is 0 or > OutcomeReport.MaxPerRequest)
        {
            throw new ArgumentOutOfRangeException(nameof(outcomes), outcomes.Count, $"A report carries from 1 to {OutcomeReport.MaxPerRequest} outcomes.");
        }

        var call = ApprovalCall.ReportingOutcomes;
        using var message = CreateRequest(HttpMethod.Post, "v1/outcomes", JsonMediaType, retryable: true);
        message.Content = CreateJsonContent(new OutcomeReportBatch { Outcomes = outcomes }, ApprovalJsonContext.Default.OutcomeReportBatch, nameof(outcomes));
        using var response = await SendAsync(message, HttpCompletionOption.ResponseContentRead, call, cancellationToken).ConfigureAwait(false);
        var reply = await ReadJsonAsync(response, ApprovalJsonContext.Default.OutcomeReportResults, call, cancellationToken).ConfigureAwait(false);
        var results = reply.Results;
        if (results.Count != outcomes.Count)
        {
            throw Unavailable(call, $"the reply has {results.Count} results for {outcomes.Count} outcomes", response.StatusCode, null);
        }

        for (var i = 0; i < results.Count; i++)
        {
            if (!string.Equals(results[i].ApprovalId, outcomes[i].ApprovalId, StringComparison.Ordinal) || (results[i].Status is null) == (results[i].Problem is null))
            {
                throw Unavailable(call, $"result {i} does not answer outcome {i} ('{outcomes[i].ApprovalId}') with either a status or a problem", response.StatusCode, null);
            }
        }

        return results;
    }

    /// <summary>
    /// Gets whether the guard reports outcomes as each call ends instead of in the background: true for an in-process
    /// backend, which has no round trip to save.
    /// </summary>
    internal virtual bool ReportsOutcomesInline => false;

    /// <summary>Withdraws a pending request (<c>POST /v1/approvals/{id}/cancel</c>).</summary>
    /// <param name="approvalId">The approval id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the backend has withdrawn the request.</returns>
    public virtual async Task CancelAsync(string approvalId, CancellationToken cancellationToken = default)
    {
        Guard.NotNullOrEmpty(approvalId);

        var call = ApprovalCall.Cancelling(approvalId);
        using var message = CreateRequest(HttpMethod.Post, ApprovalPath(approvalId) + "/cancel", JsonMediaType, retryable: true);
        using var response = await SendAsync(message, HttpCompletionOption.ResponseContentRead, call, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets the public keys that sign decision tokens (<c>GET /.well-known/jwks.json</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The JSON Web Key Set document.</returns>
    /// <remarks>The document is returned as sent, after checking that it is a JSON object with a <c>keys</c> array.</remarks>
    public virtual async Task<string> GetSigningKeysAsync(CancellationToken cancellationToken = default)
    {
        var call = ApprovalCall.FetchingSigningKeys;
        using var message = CreateRequest(HttpMethod.Get, ".well-known/jwks.json", JsonMediaType, retryable: true);
        using var response = await SendAsync(message, HttpCompletionOption.ResponseContentRead, call, cancellationToken).ConfigureAwait(false);
        EnsureJsonContent(response, call);

        string json;
        try
        {
            json = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (IsFault(ex))
        {
            throw Unavailable(call, "the reply could not be read: " + ex.Message, response.StatusCode, ex);
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("keys", out var keys)
                || keys.ValueKind != JsonValueKind.Array)
            {
                throw Unavailable(call, "the reply is not a JSON Web Key Set (an object with a 'keys' array)", response.StatusCode, null);
            }
        }
        catch (JsonException ex)
        {
            throw Unavailable(call, "the reply is not valid JSON: " + ex.Message, response.StatusCode, ex);
        }

        return json;
    }

    /// <summary>Releases the <see cref="HttpClient"/> when this instance created it.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the <see cref="HttpClient"/> when this instance created it.</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && _ownsHttpClient)
        {
            _httpClient?.Dispose();
        }
    }

    private static HttpClient CreateOwnedHttpClient(ApprovalClientOptions options, TimeProvider timeProvider)
    {
        Guard.NotNull(options);
        Guard.NotNull(timeProvider);
        if (options.Endpoint is not { IsAbsoluteUri: true })
        {
            throw new ArgumentException("ApprovalClientOptions.Endpoint is required and must be an absolute URI.", nameof(options));
        }

        var primary = new SocketsHttpHandler { PooledConnectionLifetime = ApprovalClientServiceCollectionExtensions.PooledConnectionLifetime };
        ResilienceHandler? resilience = null;
        try
        {
            resilience = new ResilienceHandler(ApprovalResilience.Create(options.Resilience, timeProvider))
            {
                InnerHandler = new ApprovalAttemptHandler { InnerHandler = primary },
            };

            // The pipeline owns every timeout; HttpClient's own 100-second default would cut long polls short.
            return new HttpClient(resilience, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        }
        catch
        {
            resilience?.Dispose();
            primary.Dispose();
            throw;
        }
    }

    private static Uri EnsureTrailingSlash(Uri endpoint) =>
        endpoint.AbsolutePath.EndsWith('/') ? endpoint : new Uri(endpoint.GetLeftPart(UriPartial.Path) + "/");

    private static string ApprovalPath(string approvalId) => "v1/approvals/" + Uri.EscapeDataString(approvalId);

    private static bool IsFinal(ApprovalStatus status) => status is
        ApprovalStatus.Denied or ApprovalStatus.Expired or ApprovalStatus.Cancelled or ApprovalStatus.Succeeded or ApprovalStatus.Failed;

    /// <summary>
    /// Whether <paramref name="exception"/> says the backend could not be reached or is down for a moment (refused or reset
    /// connections, timeouts, an open circuit, 502/503/504) — as a restart looks — rather than that it answered in a way
    /// the protocol does not allow (malformed or unexpected replies, TLS set up wrongly, other statuses).
    /// </summary>
    internal static bool IsOutage(ApprovalBackendUnavailableException exception) => exception.StatusCode switch
    {
        HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => true,
        null => exception.InnerException switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => false,
            HttpRequestException { StatusCode: null } or IOException or TimeoutRejectedException or BrokenCircuitException or OperationCanceledException => true,
            _ => false,
        },
        _ => false,
    };

    // Faults that mean "the backend or the path to it failed" (as opposed to a bug in the caller).
    private static bool IsFault(Exception exception) =>
        exception is HttpRequestException or IOException or JsonException or ExecutionRejectedException or OperationCanceledException;

    private static bool IsJsonMediaType(string? mediaType) =>
        mediaType is not null
        && (string.Equals(mediaType, JsonMediaType, StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The body of a request as the protocol's JSON; a value that has no JSON form is the caller's mistake.</summary>
    internal static byte[] SerializeBody<T>(T value, JsonTypeInfo<T> typeInfo, string paramName)
    {
        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
        {
            throw new ArgumentException("The value cannot be serialized to the protocol's JSON: " + ex.Message, paramName, ex);
        }
    }

    private static ByteArrayContent CreateJsonContent<T>(T value, JsonTypeInfo<T> typeInfo, string paramName)
    {
        var content = new ByteArrayContent(SerializeBody(value, typeInfo, paramName));
        content.Headers.ContentType = new MediaTypeHeaderValue(JsonMediaType) { CharSet = "utf-8" };
        return content;
    }

    private static ApprovalBackendUnavailableException Unavailable(in ApprovalCall call, string reason, HttpStatusCode? statusCode, Exception? innerException) =>
        new(call.Operation + " failed: " + reason + ".", statusCode, innerException)
        {
            ApprovalId = call.ApprovalId,
            ActionKind = call.ActionKind,
            ActionName = call.ActionName,
        };

    private static void EnsureJsonContent(HttpResponseMessage response, in ApprovalCall call)
    {
        // A missing content type is tolerated (the body is still parsed strictly); a declared non-JSON one is not.
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not null && !IsJsonMediaType(mediaType))
        {
            throw Unavailable(call, $"the reply has content type '{mediaType}', expected JSON", response.StatusCode, null);
        }
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, ApprovalCall call, CancellationToken cancellationToken)
        where T : class
    {
        EnsureJsonContent(response, call);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var value = await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken).ConfigureAwait(false);
                return value ?? throw new JsonException("The reply body is JSON null.");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (IsFault(ex))
        {
            throw Unavailable(call, "the reply is not a valid " + typeInfo.Type.Name + ": " + ex.Message, response.StatusCode, ex);
        }
    }

    private static async Task<Stream> OpenStreamAsync(HttpResponseMessage response, ApprovalCall call, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (IsFault(ex))
        {
            throw Unavailable(call, "the event stream could not be opened: " + ex.Message, response.StatusCode, ex);
        }
    }

    private static Approval ParseApprovalEvent(string data, string approvalId, in ApprovalCall call, HttpStatusCode statusCode)
    {
        Approval? approval;
        try
        {
            approval = JsonSerializer.Deserialize(data, ApprovalJsonContext.Default.Approval);
        }
        catch (JsonException ex)
        {
            throw Unavailable(call, "an event is not a valid approval: " + ex.Message, statusCode, ex);
        }

        if (approval is null)
        {
            throw Unavailable(call, "an event is JSON null", statusCode, null);
        }

        return CheckApproval(approval, approvalId, call, statusCode);
    }

    private static Approval CheckApproval(Approval approval, string? expectedId, in ApprovalCall call, HttpStatusCode statusCode)
    {
        if (string.IsNullOrWhiteSpace(approval.Id))
        {
            throw Unavailable(call, "the approval in the reply has an empty id", statusCode, null);
        }

        if (expectedId is not null && !string.Equals(approval.Id, expectedId, StringComparison.Ordinal))
        {
            throw Unavailable(call, $"the reply is for approval '{approval.Id}', not '{expectedId}'", statusCode, null);
        }

        return approval;
    }

    private static async Task<ApprovalProblem?> TryReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!IsJsonMediaType(response.Content.Headers.ContentType?.MediaType))
        {
            return null;
        }

        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return body.Length == 0 ? null : JsonSerializer.Deserialize(body, ApprovalJsonContext.Default.ApprovalProblem);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (IsFault(ex))
        {
            // The status code alone still classifies the failure; an unreadable problem body only loses detail.
            return null;
        }
    }

    private static async Task<ActionGuardException> CreateStatusExceptionAsync(HttpResponseMessage response, ApprovalCall call, CancellationToken cancellationToken)
    {
        var problem = await TryReadProblemAsync(response, cancellationToken).ConfigureAwait(false);
        return StatusException(call, response.StatusCode, response.ReasonPhrase, problem, response.RequestMessage?.RequestUri);
    }

    /// <summary>
    /// The exception for a refusal or failure the backend answered with: 4xx rejects the request (it will not work as it
    /// is), anything else makes the backend unavailable. The in-memory test backend raises its refusals through this too.
    /// </summary>
    internal static ActionGuardException StatusException(in ApprovalCall call, HttpStatusCode statusCode, string? reasonPhrase, ApprovalProblem? problem, Uri? requestUri)
    {
        var code = (int)statusCode;
        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"HTTP {code} {reasonPhrase}");
        AppendProblem(message, problem);
        if (statusCode == HttpStatusCode.NotFound && problem is null)
        {
            // A backend answers a missing approval with a problem; a bare 404 means nothing of the protocol is there.
            message.Append(CultureInfo.InvariantCulture, $" (no ActionGuard backend answered at {requestUri?.GetLeftPart(UriPartial.Path)}: check that ActionGuard:Endpoint is the backend's base address, path base included)");
        }

        if (code is >= 400 and < 500)
        {
            return new ApprovalRequestRejectedException(
                call.Operation + " was rejected by the approval backend: " + message + ".",
                statusCode,
                problem?.Type,
                problem?.Errors)
            {
                ApprovalId = call.ApprovalId,
                ActionKind = call.ActionKind,
                ActionName = call.ActionName,
            };
        }

        var reason = code >= 500 ? "the backend answered " + message : "the backend answered with an unexpected " + message;
        return Unavailable(call, reason, statusCode, new HttpRequestException(message.ToString(), null, statusCode));
    }

    private static void AppendProblem(StringBuilder message, ApprovalProblem? problem)
    {
        if (problem is null)
        {
            return;
        }

        if (!string.IsNullOrWhiteSpace(problem.Title))
        {
            message.Append(": ").Append(problem.Title);
        }

        if (!string.IsNullOrWhiteSpace(problem.Detail))
        {
            message.Append(" (").Append(problem.Detail).Append(')');
        }

        if (problem.Errors is { Count: > 0 } errors)
        {
            message.Append(". Invalid fields: ");
            var first = true;
            foreach (var (field, messages) in errors)
            {
                if (!first)
                {
                    message.Append("; ");
                }

                first = false;
                message.Append(field);
                if (messages is { Length: > 0 })
                {
                    message.Append(" - ").AppendJoin(", ", messages);
                }
            }
        }
    }

    private HttpClient HttpClient =>
        _httpClient ?? throw new InvalidOperationException("This ApprovalClient was created for mocking: override the methods it uses.");

    private HttpRequestMessage CreateRequest(HttpMethod method, string relativePath, string accept, bool retryable)
    {
        var message = new HttpRequestMessage(method, new Uri(_baseAddress!, relativePath));
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        message.Options.Set(ApprovalRequestOptions.Retryable, retryable);
        return message;
    }

    private async Task<Approval> SendForApprovalAsync(HttpRequestMessage message, string? expectedId, ApprovalCall call, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(message, HttpCompletionOption.ResponseContentRead, call, cancellationToken).ConfigureAwait(false);
        var approval = await ReadJsonAsync(response, ApprovalJsonContext.Default.Approval, call, cancellationToken).ConfigureAwait(false);
        return CheckApproval(approval, expectedId, call, response.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, HttpCompletionOption completion, ApprovalCall call, CancellationToken cancellationToken)
    {
        var httpClient = HttpClient;
        await AuthorizeAsync(message, call, cancellationToken).ConfigureAwait(false);

        HttpResponseMessage response;
        try
        {
            response = await httpClient.SendAsync(message, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (BrokenCircuitException ex)
        {
            throw Unavailable(call, "the circuit to the backend is open after repeated failures", null, ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw Unavailable(call, "the backend did not answer in time", null, ex);
        }
        catch (OperationCanceledException ex)
        {
            throw Unavailable(call, "the request timed out", null, ex);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            throw Unavailable(
                call,
                $"no TLS connection could be made to {message.RequestUri?.GetLeftPart(UriPartial.Authority)} ({ex.Message}); if the backend serves plain http there, ActionGuard:Endpoint must say http:// (accepted on loopback only), else check its certificate",
                null,
                ex);
        }
        catch (Exception ex) when (IsFault(ex))
        {
            throw Unavailable(call, "the backend could not be reached: " + ex.Message, (ex as HttpRequestException)?.StatusCode, ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await CreateStatusExceptionAsync(response, call, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask AuthorizeAsync(HttpRequestMessage message, ApprovalCall call, CancellationToken cancellationToken)
    {
        var token = _apiKey;
        if (_accessTokenProvider is { } provider)
        {
            try
            {
                token = await provider(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // A user-supplied provider can throw anything; every failure must fail closed with a typed exception.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                throw Unavailable(call, "the access token provider failed: " + ex.Message, null, ex);
            }

            if (string.IsNullOrWhiteSpace(token))
            {
                throw Unavailable(call, "the access token provider returned no token", null, null);
            }
        }

        if (!string.IsNullOrEmpty(token))
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }
}
