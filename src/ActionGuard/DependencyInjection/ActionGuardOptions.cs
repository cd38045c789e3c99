using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Policy;

namespace ActionGuard;

/// <summary>Options of the ActionGuard SDK, registered by <c>services.AddActionGuard(...)</c> and validated at start.</summary>
public sealed class ActionGuardOptions
{
    /// <summary>
    /// The name of the <see cref="HttpClient"/> the SDK calls the backend with. Configure it as any named client:
    /// <c>services.AddHttpClient(ActionGuardOptions.HttpClientName).AddHttpMessageHandler(...)</c> adds a handler inside
    /// the SDK's resilience handler (it sees every attempt), <c>ConfigurePrimaryHttpMessageHandler</c> replaces the
    /// transport (a proxy, client certificates).
    /// </summary>
    public const string HttpClientName = "ActionGuard";

    /// <summary>Gets or sets the approval backend's base address. Required.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets this agent's identity: the audience of its decision tokens. Required.</summary>
    public string? AgentId { get; set; }

    /// <summary>Gets or sets the agent's API key, sent as <c>Authorization: Bearer</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets a provider of the agent's bearer token; takes precedence over <see cref="ApiKey"/>.</summary>
    public Func<CancellationToken, ValueTask<string>>? AccessTokenProvider { get; set; }

    /// <summary>
    /// Gets or sets the issuer expected in decision tokens. Defaults to <see cref="Endpoint"/> without a trailing slash.
    /// </summary>
    public string? ExpectedIssuer { get; set; }

    /// <summary>Gets or sets the environment reported with every action that does not name one, for example <c>"prod"</c>.</summary>
    public string? Environment { get; set; }

    /// <summary>Gets or sets the initiator used when neither the action nor <see cref="ActionInitiator.Current"/> names one.</summary>
    public ApprovalParty? DefaultInitiator { get; set; }

    /// <summary>Gets or sets how long a guarded call waits for a decision before it withdraws the request. Default 15 minutes.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets how long one long poll may be held by the backend (1 to 60 seconds). Default 30 seconds.</summary>
    public TimeSpan LongPollWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long a call waiting for a decision keeps asking while the backend cannot be reached (connection
    /// refused or reset, timeouts, an open circuit, 502/503/504), so that a restart of the backend does not fail the
    /// wait; never past the request's expiry or <see cref="DefaultTimeout"/>. A reply that breaks the protocol still fails
    /// at once. <see cref="TimeSpan.Zero"/> fails at the first outage, after the request's own retries. Default 5 minutes.
    /// </summary>
    public TimeSpan BackendOutageTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how long shutting down (disposing the service provider) waits for outcome reports that the backend
    /// has not acknowledged yet. Outcomes are reported in the background, batched, after the action's call returns;
    /// they are kept and retried until the backend answers, and are lost only when the process ends first or this wait
    /// runs out (each is then logged). Default 10 seconds.
    /// </summary>
    public TimeSpan OutcomeFlushTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the clock skew tolerated when checking token lifetimes. Default 30 seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how often the signing keys may be refetched for an unknown key id. Default 30 seconds.</summary>
    public TimeSpan SigningKeysRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long fetched signing keys are cached. Default 1 hour.</summary>
    public TimeSpan SigningKeysCacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets the token signing algorithms accepted. Default ES256 only.</summary>
    public ISet<string> AllowedSigningAlgorithms { get; } = new HashSet<string>(StringComparer.Ordinal) { "ES256" };

    /// <summary>Gets the retry, circuit-breaker and timeout settings of the backend client.</summary>
    public ApprovalResilienceOptions Resilience { get; } = new();

    /// <summary>Gets how arguments are redacted before they leave the process.</summary>
    public RedactionOptions Redaction { get; } = new();

    /// <summary>
    /// Gets or sets a policy file (<c>actionguard.policy.json</c>) for the local fast path: an action the policy denies
    /// for certain is refused without a round trip; everything else still goes to the backend. Read and validated at
    /// start: the SDK never runs with a policy it could not read completely.
    /// </summary>
    public string? PolicyFile { get; set; }

    /// <summary>Gets or sets the local policy as a document instead of <see cref="PolicyFile"/> (set one or neither).</summary>
    public PolicyDocument? Policy { get; set; }

    /// <summary>
    /// Gets or sets the serializer options used to turn argument values that are not JSON primitives into JSON for
    /// hashing and redaction. Set a source-generated context's options for trimmed or native-AOT applications.
    /// </summary>
    public JsonSerializerOptions? ArgumentSerializerOptions { get; set; }
}
