using System.Buffers;
using System.Net;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Server;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Identity;
using ActionGuard.Server.Policy;
using ActionGuard.Server.Store;
using ActionGuard.Server.Tokens;
using ActionGuard.Testing.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ActionGuard.Testing;

/// <summary>
/// An in-process ActionGuard approval backend for unit tests. It implements the backend side of the approval protocol
/// (state machine, thresholds of distinct people, idempotency, long polls, claims, outcomes, expiry) and signs real
/// ES256 decision tokens with an ephemeral key published as JWKS, so agent code runs the SDK's full verification path.
/// </summary>
/// <remarks>
/// Tests script how requests are answered (<see cref="RespondWith"/>, <see cref="When"/>) or decide by hand
/// (<see cref="WaitForRequestAsync"/>, <see cref="ApproveAsync(string, ApprovalParty, string?, CancellationToken)"/>),
/// hand <see cref="CreateClient"/>'s client to the code under test, and assert on what was recorded.
/// All members are thread-safe.
/// </remarks>
/// <example>
/// <code>
/// using var backend = new InMemoryApprovalBackend();
/// backend.RespondWith(ApprovalScript.Approve(by: "alice@example.com"));
/// services.AddActionGuard(...).UseInMemoryBackend(backend);
/// </code>
/// </example>
public sealed partial class InMemoryApprovalBackend : IDisposable
{
    private readonly ServiceProvider? _ownedServices;
    private readonly ApprovalService _service;
    private readonly IApprovalStore _store;
    private readonly ServerSigningKeys _keys;
    private readonly ServerLimitsOptions _limits;
    private readonly TimeProvider _time;
    private readonly TimeSpan _defaultTtl;
    private readonly string _reviewUrlBase;
    private readonly int _defaultMinApprovals;
    private readonly List<ApprovalRule> _rules = [];
    private readonly List<Action<DecisionTokenClaims>> _tokenHooks = [];
    private readonly List<RecordedApprovalRequest> _requests = [];
    private readonly List<RecordedClaim> _claims = [];
    private readonly List<ApprovalTransition> _transitions = [];
    private readonly Dictionary<string, ApprovalOutcome> _outcomes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HttpStatusCode> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CancellationTokenSource> _failureSignals = new(StringComparer.Ordinal);
    private readonly List<ITimer> _scriptTimers = [];
    private readonly List<(Func<Approval, bool> Match, TaskCompletionSource<Approval> Completion)> _requestWaiters = [];
    private readonly CancellationTokenSource _disposing = new();
    private ApprovalScript? _defaultScript;
    private bool _disposed;

    /// <summary>Initializes a new instance with default options.</summary>
    public InMemoryApprovalBackend()
        : this(new InMemoryApprovalBackendOptions())
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The options; read once.</param>
    public InMemoryApprovalBackend(InMemoryApprovalBackendOptions options)
        : this(options, server: null)
    {
    }

    // With a server, the backend drives the approval service of a hosted ActionGuard server (registered with
    // AddToServer) instead of one of its own: scripts, recordings and hand decisions then apply to what agents reach over
    // HTTP. The server must run with the same issuer, TTL, claim window and token lifetime as the options.
    internal InMemoryApprovalBackend(InMemoryApprovalBackendOptions options, IServiceProvider? server)
    {
        Guard.NotNull(options);
        options.Validate();
        Issuer = options.Issuer;
        TokenIssuer = options.Issuer.AbsoluteUri.TrimEnd('/');
        _time = options.TimeProvider;
        _defaultTtl = options.DefaultTtl;
        _defaultMinApprovals = options.DefaultMinApprovals;
        _reviewUrlBase = new Uri(options.Issuer, "approvals").AbsoluteUri;

        if (server is null)
        {
            // The server's approval service on an in-memory store: one implementation of the protocol, answering here
            // exactly as it answers over HTTP. The hooks are how this backend scripts, records and tampers.
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton(options.TimeProvider);
            services.AddOptions<ActionGuardServerOptions>().Configure(o =>
            {
                o.Issuer = TokenIssuer;
                o.ReviewUrlBase = _reviewUrlBase;
                o.DefaultTtl = options.DefaultTtl;
                o.ClaimWindow = options.ClaimWindow;
                o.TokenLifetime = options.TokenLifetime;
                o.Policy.DefaultMinApprovals = options.DefaultMinApprovals;
                o.Policy.Watch = false;
            });
            AddToServer(services);
            ApprovalCoreServices.Add(services);
            _ownedServices = services.BuildServiceProvider();
            server = _ownedServices;
        }

        server.GetRequiredService<BackendHooks>().Attach(this);
        _service = server.GetRequiredService<ApprovalService>();
        _store = server.GetRequiredService<IApprovalStore>();
        _keys = server.GetRequiredService<ServerSigningKeys>();
        _limits = server.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value.Limits;
        if (_ownedServices is not null)
        {
            // The in-memory store completes every call synchronously, so nothing here blocks.
            _ownedServices.GetRequiredService<IStoreLifecycle>().InitializeAsync().GetAwaiter().GetResult();
            _keys.InitializeAsync().GetAwaiter().GetResult();
        }
    }

    /// <summary>Registers the in-memory store and the hooks a backend attaches to; before <c>AddActionGuardServer</c>.</summary>
    internal static void AddToServer(IServiceCollection services)
    {
        services.AddInMemoryStore();
        services.TryAddSingleton<BackendHooks>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApprovalObserver, BackendHooks>(sp => sp.GetRequiredService<BackendHooks>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPolicyOverride, BackendHooks>(sp => sp.GetRequiredService<BackendHooks>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDecisionTokenHook, BackendHooks>(sp => sp.GetRequiredService<BackendHooks>()));
    }

    /// <summary>Gets the backend's base address: use it as <see cref="ActionGuardOptions.Endpoint"/>.</summary>
    public Uri Issuer { get; }

    /// <summary>Gets the <c>iss</c> of decision tokens: <see cref="Issuer"/> without a trailing slash.</summary>
    public string TokenIssuer { get; }

    /// <summary>Gets the backend's clock.</summary>
    public TimeProvider TimeProvider => _time;

    /// <summary>Gets the ids of the published signing keys, oldest first; the last one signs.</summary>
    public IReadOnlyList<string> SigningKeyIds => _keys.KeyIds;

    internal Lock Gate { get; } = new();

    /// <summary>Gets every create call received, in order, including idempotent replays and refused calls.</summary>
    public IReadOnlyList<RecordedApprovalRequest> Requests
    {
        get
        {
            lock (Gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Gets a snapshot of every approval, in creation order, with expiry applied as of now.</summary>
    public IReadOnlyList<Approval> Approvals
    {
        get
        {
            ThrowIfDisposed();
            var records = new List<ApprovalRecord>();
            string? cursor = null;
            do
            {
                var page = Completed(_store.ListAsync(status: null, cursor, limit: 500));
                records.AddRange(page.Items);
                cursor = page.NextCursor;
            }
            while (cursor is not null);

            records.Reverse();
            return [.. records.Select(r => Snapshot(Completed(_service.GetAsync(r.Id, CancellationToken.None)) ?? r))];
        }
    }

    /// <summary>Gets every successful claim, in order, with the token issued.</summary>
    public IReadOnlyList<RecordedClaim> Claims
    {
        get
        {
            lock (Gate)
            {
                return [.. _claims];
            }
        }
    }

    /// <summary>Gets how many claims succeeded.</summary>
    public int ClaimCount
    {
        get
        {
            lock (Gate)
            {
                return _claims.Count;
            }
        }
    }

    /// <summary>Gets the outcomes reported, by approval id.</summary>
    public IReadOnlyDictionary<string, ApprovalOutcome> Outcomes
    {
        get
        {
            lock (Gate)
            {
                return new Dictionary<string, ApprovalOutcome>(_outcomes, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Gets every status change, in order.</summary>
    public IReadOnlyList<ApprovalTransition> Transitions
    {
        get
        {
            lock (Gate)
            {
                return [.. _transitions];
            }
        }
    }

    /// <summary>Returns a client for the agent <paramref name="agentId"/>: it sees and acts on that agent's approvals only.</summary>
    /// <param name="agentId">The agent's identity; the audience of its decision tokens.</param>
    /// <returns>An <see cref="ApprovalClient"/> backed by this instance.</returns>
    public ApprovalClient CreateClient(string agentId)
    {
        Guard.NotNullOrEmpty(agentId);
        return new InMemoryApprovalClient(this, agentId);
    }

    /// <summary>Answers every request no <see cref="When"/> rule matches with <paramref name="script"/>.</summary>
    /// <param name="script">The script.</param>
    /// <returns>This backend.</returns>
    public InMemoryApprovalBackend RespondWith(ApprovalScript script)
    {
        Guard.NotNull(script);
        lock (Gate)
        {
            _defaultScript = script;
        }

        return this;
    }

    /// <summary>
    /// Registers a rule for requests that match <paramref name="predicate"/> (evaluated on the new, pending approval).
    /// Rules are tried in registration order; the first match wins.
    /// </summary>
    /// <param name="predicate">Selects the requests.</param>
    /// <returns>The rule: set its script with <see cref="ApprovalRule.RespondWith"/>.</returns>
    public ApprovalRule When(Func<Approval, bool> predicate)
    {
        Guard.NotNull(predicate);
        lock (Gate)
        {
            var rule = new ApprovalRule(this, predicate, "rule-" + (_rules.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            _rules.Add(rule);
            return rule;
        }
    }

    /// <summary>
    /// Registers a hook that may change the claims of every decision token before it is signed, to test the SDK's
    /// verifier. Hooks run in registration order.
    /// </summary>
    /// <param name="mutate">Changes the claims.</param>
    /// <returns>This backend.</returns>
    public InMemoryApprovalBackend OnIssuingToken(Action<DecisionTokenClaims> mutate)
    {
        Guard.NotNull(mutate);
        lock (Gate)
        {
            _tokenHooks.Add(mutate);
        }

        return this;
    }

    /// <summary>Creates a new signing key for future tokens; earlier keys stay published while tokens they signed may live.</summary>
    /// <returns>The new key's id.</returns>
    public string RotateSigningKey()
    {
        ThrowIfDisposed();
        return Completed(_keys.RotateAsync());
    }

    /// <summary>Returns the JSON Web Key Set, as <c>GET /.well-known/jwks.json</c> serves it.</summary>
    /// <returns>The JWKS document.</returns>
    public string GetSigningKeys()
    {
        ThrowIfDisposed();
        return _keys.GetJwks();
    }

    /// <summary>Returns a snapshot of one approval, whichever agent owns it.</summary>
    /// <param name="approvalId">The approval id.</param>
    /// <returns>The approval, with expiry applied as of now.</returns>
    /// <exception cref="ApprovalRequestRejectedException">There is no such approval (404).</exception>
    public Approval GetApproval(string approvalId)
    {
        Guard.NotNull(approvalId);
        ThrowIfDisposed();
        var record = Completed(_service.GetAsync(approvalId, CancellationToken.None))
            ?? throw Refusal(ApprovalCall.Getting(approvalId), ApiProblem.NotFound(approvalId));
        return Snapshot(record);
    }

    /// <summary>Records an approval by <paramref name="approver"/>, with every check a real backend makes.</summary>
    /// <param name="approvalId">The approval id.</param>
    /// <param name="approver">The approver.</param>
    /// <param name="reason">An optional reason.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the decision is recorded; it faults with <see cref="ApprovalRequestRejectedException"/> when refused (403 self-approval, 409 not pending or already decided, 404).</returns>
    public Task ApproveAsync(string approvalId, ApprovalParty approver, string? reason = null, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(approvalId);
        Guard.NotNull(approver);
        return DecideByHand(approvalId, approver, ApprovalVerdict.Approve, reason, cancellationToken);
    }

    /// <summary>Records an approval by the person <paramref name="by"/> at <see cref="TestIdentities.Issuer"/>.</summary>
    /// <param name="approvalId">The approval id.</param>
    /// <param name="by">The approver's subject.</param>
    /// <param name="reason">An optional reason.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the decision is recorded, or faults when it is refused.</returns>
    public Task ApproveAsync(string approvalId, string by, string? reason = null, CancellationToken cancellationToken = default) =>
        ApproveAsync(approvalId, TestIdentities.Person(by), reason, cancellationToken);

    /// <summary>Records a denial by <paramref name="approver"/>; one denial denies the approval.</summary>
    /// <param name="approvalId">The approval id.</param>
    /// <param name="approver">The approver.</param>
    /// <param name="reason">The reason; required (400 without).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the decision is recorded, or faults with <see cref="ApprovalRequestRejectedException"/> when it is refused.</returns>
    public Task DenyAsync(string approvalId, ApprovalParty approver, string reason, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(approvalId);
        Guard.NotNull(approver);
        return DecideByHand(approvalId, approver, ApprovalVerdict.Deny, reason, cancellationToken);
    }

    /// <summary>Records a denial by the person <paramref name="by"/> at <see cref="TestIdentities.Issuer"/>.</summary>
    /// <param name="approvalId">The approval id.</param>
    /// <param name="by">The approver's subject.</param>
    /// <param name="reason">The reason; required.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the decision is recorded, or faults when it is refused.</returns>
    public Task DenyAsync(string approvalId, string by, string reason, CancellationToken cancellationToken = default) =>
        DenyAsync(approvalId, TestIdentities.Person(by), reason, cancellationToken);

    /// <summary>Expires a pending or approved (unclaimed) approval now, as if its TTL or claim window had passed.</summary>
    /// <param name="approvalId">The approval id.</param>
    /// <exception cref="ApprovalRequestRejectedException">There is no such approval (404), or it cannot expire any more (409).</exception>
    public void Expire(string approvalId)
    {
        Guard.NotNull(approvalId);
        ThrowIfDisposed();
        var result = Completed(_service.ExpireNowAsync(approvalId, CancellationToken.None))
            ?? throw Refusal(ApprovalCall.Getting(approvalId), ApiProblem.NotFound(approvalId));
        if (result.Current.Status != ApprovalStatus.Expired)
        {
            throw Problems.NotExpirable(approvalId, result.Current.Status);
        }
    }

    /// <summary>
    /// Waits until an approval matches <paramref name="match"/>, checking existing approvals first (oldest first), then
    /// every change. Without <paramref name="match"/>, waits for a pending approval.
    /// </summary>
    /// <param name="match">Selects the approval; it runs under the backend's lock, so keep it a simple test.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A snapshot of the matching approval.</returns>
    public Task<Approval> WaitForRequestAsync(Func<Approval, bool>? match = null, CancellationToken cancellationToken = default)
    {
        match ??= static approval => approval.Status == ApprovalStatus.Pending;
        cancellationToken.ThrowIfCancellationRequested();
        var completion = new TaskCompletionSource<Approval>(TaskCreationOptions.RunContinuationsAsynchronously);

        // Registered before the existing approvals are read, so one created in between is matched either way.
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _requestWaiters.Add((match, completion));
        }

        foreach (var approval in Approvals)
        {
            if (match(approval))
            {
                lock (Gate)
                {
                    _requestWaiters.RemoveAll(w => ReferenceEquals(w.Completion, completion));
                }

                completion.TrySetResult(approval);
                break;
            }
        }

        if (!cancellationToken.CanBeCanceled)
        {
            return completion.Task;
        }

        return WaitCancellable(completion, cancellationToken);
    }

    /// <summary>Stops every timer, ends every wait and disposes the signing keys.</summary>
    public void Dispose()
    {
        ITimer[] timers;
        lock (Gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            timers = [.. _scriptTimers];
            _scriptTimers.Clear();
            foreach (var (_, completion) in _requestWaiters)
            {
                completion.TrySetException(new ObjectDisposedException(nameof(InMemoryApprovalBackend)));
            }

            _requestWaiters.Clear();
        }

        foreach (var timer in timers)
        {
            timer.Dispose();
        }

        _disposing.Cancel();
        foreach (var signal in _failureSignals.Values)
        {
            signal.Dispose();
        }

        _ownedServices?.Dispose();
        _disposing.Dispose();
    }

    // The in-memory store and the in-memory key ring complete synchronously; a task still running here is a bug.
    private static T Completed<T>(Task<T> task) =>
        task.IsCompleted ? task.GetAwaiter().GetResult() : throw new InvalidOperationException("The in-memory backend did not complete synchronously.");

    private async Task<Approval> WaitCancellable(TaskCompletionSource<Approval> completion, CancellationToken cancellationToken)
    {
        try
        {
            return await completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (Gate)
            {
                _requestWaiters.RemoveAll(w => ReferenceEquals(w.Completion, completion));
            }
        }
    }

    private async Task DecideByHand(string approvalId, ApprovalParty approver, ApprovalVerdict verdict, string? reason, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var call = ApprovalCall.Deciding(approvalId);
        // The body a reviewer's client would send, read by the server's own reader: the same checks, the same refusals.
        using var body = Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("verdict", verdict == ApprovalVerdict.Approve ? "approve" : "deny");
            if (reason is not null)
            {
                w.WriteString("reason", reason);
            }

            w.WriteEndObject();
        });
        var errors = new Errors();
        if (new RequestReader(_limits).ReadDecision(body.RootElement, errors) is null)
        {
            throw Refusal(call, errors.ToProblem());
        }

        var result = await _service.DecideAsync(approvalId, Caller.ForPerson(approver, NoGroups), verdict, reason, cancellationToken).ConfigureAwait(false)
            ?? throw Refusal(call, ApiProblem.NotFound(approvalId));
        if (result.Error is { } problem)
        {
            throw Refusal(call, problem);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
