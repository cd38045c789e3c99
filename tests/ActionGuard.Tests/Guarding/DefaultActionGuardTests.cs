using System.Net;
using ActionGuard.Client;
using ActionGuard.Guarding;
using ActionGuard.Hashing;
using ActionGuard.Redaction;
using ActionGuard.Tests.Tokens;
using ActionGuard.Tokens;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ActionGuard.Tests.Guarding;

public sealed class DefaultActionGuardTests : IDisposable
{
    private static readonly ApprovalParty Alice = new() { Issuer = "https://idp.example.com/", Subject = "alice" };

    private readonly TokenFactory _tokens = new();
    private readonly ScriptedApprovalClient _client;
    private readonly ActionGuardOptions _options = new()
    {
        Endpoint = new Uri("https://approvals.example.com/"),
        AgentId = "agent-1",
        Environment = "staging",
        DefaultTimeout = TimeSpan.FromSeconds(30),
    };

    private int _runs;

    public DefaultActionGuardTests()
    {
        _client = new ScriptedApprovalClient(_tokens, TimeProvider.System);
    }

    public void Dispose() => _tokens.Dispose();

    private DefaultActionGuard CreateGuard()
    {
        var options = Options.Create(_options);
        var keys = new SigningKeyProvider(_client, options, TimeProvider.System, NullLogger<SigningKeyProvider>.Instance);
        var verifier = new DecisionTokenVerifier(keys, new JtiReplayCache(TimeProvider.System), options, TimeProvider.System);
        return new DefaultActionGuard(
            _client,
            new OutcomeReporter(_client, _options, TimeProvider.System, NullLogger.Instance),
            verifier,
            new ActionHasher(null),
            new ArgumentRedactor(_options.Redaction, null),
            options,
            TimeProvider.System,
            NullLogger<DefaultActionGuard>.Instance);
    }

    private static GuardedAction Export(string bucket = "exports", string? password = "hunter2") => new(ActionKind.DataExport, "Exporter.Export")
    {
        Resource = $"s3://{bucket}/customers.csv",
        Arguments = [new("bucket", bucket), new("password", password, IsSensitive: true)],
    };

    private Task<int> RunGuarded(GuardedAction action, CancellationToken cancellationToken = default) =>
        CreateGuard().ExecuteAsync(action, _ => Task.FromResult(Interlocked.Increment(ref _runs)), cancellationToken);

    [Fact]
    public async Task Approved_action_runs_once_and_reports_success()
    {
        _client.ThenStatus(ApprovalStatus.Pending, ApprovalStatus.Approved);

        var result = await RunGuarded(Export());

        Assert.Equal(1, result);
        Assert.Equal(1, _runs);
        Assert.Single(_client.Claims);
        Assert.Equal(OutcomeStatus.Succeeded, Assert.Single(_client.Outcomes).Status);
        Assert.All(_client.Polls, wait => Assert.Equal(_options.LongPollWait, wait));
    }

    [Fact]
    public async Task Request_carries_the_action_environment_and_a_hash_but_not_the_sensitive_value()
    {
        _client.CreateStatus = ApprovalStatus.Approved;

        await RunGuarded(Export());

        var (request, key) = Assert.Single(_client.Created);
        Assert.Equal("data_export", request.Action.Kind);
        Assert.Equal("staging", request.Action.Environment);
        Assert.Equal("s3://exports/customers.csv", request.Action.Resource);
        Assert.StartsWith("sha256:", request.ActionHash, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(key));
        Assert.DoesNotContain("hunter2", System.Text.Json.JsonSerializer.Serialize(request.Arguments), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_call_uses_a_fresh_idempotency_key_and_nonce()
    {
        _client.CreateStatus = ApprovalStatus.Approved;

        await RunGuarded(Export());
        await RunGuarded(Export());

        Assert.NotEqual(_client.Created[0].Key, _client.Created[1].Key);
        Assert.NotEqual(_client.Created[0].Request.ActionHash, _client.Created[1].Request.ActionHash);
    }

    [Fact]
    public async Task Denied_action_never_runs_and_says_who_and_why()
    {
        _client.Decisions.Add(new ApprovalDecision { Approver = Alice, Verdict = ApprovalVerdict.Deny, Reason = "not on a Friday" });
        _client.ThenStatus(ApprovalStatus.Denied);

        var ex = await Assert.ThrowsAsync<ActionDeniedException>(() => RunGuarded(Export()));

        Assert.Equal(0, _runs);
        Assert.Equal("alice", ex.DeniedBy?.Subject);
        Assert.Equal("not on a Friday", ex.Reason);
        Assert.Equal("apr_1", ex.ApprovalId);
        Assert.Empty(_client.Claims);
    }

    [Fact]
    public async Task Policy_denial_at_creation_is_a_denial_by_policy()
    {
        _client.Decisions.Add(new ApprovalDecision { Approver = new ApprovalParty { Subject = "policy:no-prod-grants" }, Verdict = ApprovalVerdict.Deny, Reason = "denied by policy" });
        _client.CreateStatus = ApprovalStatus.Denied;

        var ex = await Assert.ThrowsAsync<ActionDeniedException>(() => RunGuarded(Export()));

        Assert.True(ex.IsPolicyDecision);
        Assert.Empty(_client.Polls);
    }

    [Fact]
    public async Task Expiry_on_the_backend_is_a_timeout_and_the_action_never_runs()
    {
        _client.ThenStatus(ApprovalStatus.Expired);

        var ex = await Assert.ThrowsAsync<ApprovalTimeoutException>(() => RunGuarded(Export()));

        Assert.True(ex.ExpiredOnBackend);
        Assert.Equal(0, _runs);
    }

    [Fact]
    public async Task Local_timeout_withdraws_the_request_and_never_runs()
    {
        var action = new GuardedAction(ActionKind.DataExport, "Exporter.Export") { Timeout = TimeSpan.FromMilliseconds(100) };

        var ex = await Assert.ThrowsAsync<ApprovalTimeoutException>(() => RunGuarded(action));

        Assert.False(ex.ExpiredOnBackend);
        Assert.Equal("apr_1", ex.ApprovalId);
        Assert.Equal(["apr_1"], _client.Cancels);
        Assert.Equal(0, _runs);
    }

    [Fact]
    public async Task Each_call_on_one_guard_gets_its_own_timeout()
    {
        // The guard keeps the timeout source of a call that ended in time for the next call; its timer must be re-armed
        // with that call's timeout, and a source that fired must never come back.
        var guard = CreateGuard();
        Task<int> Run(GuardedAction action) => guard.ExecuteAsync(action, _ => Task.FromResult(Interlocked.Increment(ref _runs)));
        var quick = new GuardedAction(ActionKind.DataExport, "Exporter.Export") { Timeout = TimeSpan.FromMilliseconds(100) };

        _client.CreateStatus = ApprovalStatus.Approved;
        Assert.Equal(1, await Run(Export()));

        _client.CreateStatus = ApprovalStatus.Pending;
        var started = TimeProvider.System.GetTimestamp();
        await Assert.ThrowsAsync<ApprovalTimeoutException>(() => Run(quick));
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(20), "The 100 ms timeout applied, not the first call's 30 s.");

        _client.CreateStatus = ApprovalStatus.Approved;
        Assert.Equal(2, await Run(Export()));
        Assert.Equal(3, await Run(Export()));

        _client.CreateStatus = ApprovalStatus.Pending;
        await Assert.ThrowsAsync<ApprovalTimeoutException>(() => Run(quick));
        Assert.Equal(3, _runs);
        Assert.Equal(2, _client.Cancels.Count);
    }

    [Fact]
    public async Task Caller_cancellation_withdraws_the_request_and_never_runs()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunGuarded(Export(), cts.Token));

        Assert.Equal(["apr_1"], _client.Cancels);
        Assert.Equal(0, _runs);
    }

    [Fact]
    public async Task Backend_down_at_creation_fails_closed()
    {
        _client.CreateFault = new ApprovalBackendUnavailableException("connection refused", null, new HttpRequestException("refused"));

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => RunGuarded(Export()));

        Assert.Equal("Exporter.Export", ex.ActionName);
        Assert.Equal(0, _runs);
    }

    [Fact]
    public async Task Backend_failing_while_waiting_fails_closed_with_the_approval_id()
    {
        _options.BackendOutageTolerance = TimeSpan.Zero;
        _client.PollFault = new ApprovalBackendUnavailableException("503", HttpStatusCode.ServiceUnavailable);

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => RunGuarded(Export()));

        Assert.Equal("apr_1", ex.ApprovalId);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal(0, _runs);
    }

    [Fact]
    public async Task A_backend_that_stays_down_past_the_tolerance_fails_closed_and_the_last_fault_is_reported()
    {
        _options.BackendOutageTolerance = TimeSpan.FromMilliseconds(200);
        _options.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
        _client.PollFault = new ApprovalBackendUnavailableException("503", HttpStatusCode.ServiceUnavailable);

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => RunGuarded(Export()));

        Assert.Equal("apr_1", ex.ApprovalId);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.True(_client.Polls.Count > 1, "the wait asked again during the outage");
        Assert.Equal(0, _runs);
    }

    [Fact]
    public async Task A_reply_that_breaks_the_protocol_while_waiting_fails_at_once_whatever_the_tolerance()
    {
        _client.PollFault = new ApprovalBackendUnavailableException("The reply is not a valid Approval.", null, new System.Text.Json.JsonException("bad"));

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => RunGuarded(Export()));

        Assert.Single(_client.Polls);
        Assert.IsType<System.Text.Json.JsonException>(ex.InnerException);
        Assert.Equal(0, _runs);
    }

    [Fact]
    public async Task A_token_for_other_arguments_never_runs_and_reports_the_failed_check()
    {
        _client.CreateStatus = ApprovalStatus.Approved;
        _client.TamperToken = claims => claims["ag_hash"] = "sha256:" + new string('0', 64);

        var ex = await Assert.ThrowsAsync<ApprovalVerificationException>(() => RunGuarded(Export()));

        Assert.Equal(VerificationCheck.ActionHash, ex.Check);
        Assert.Equal(0, _runs);
        var outcome = Assert.Single(_client.Outcomes);
        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains("ActionHash", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Arguments_mutated_while_waiting_no_longer_match_the_approval()
    {
        var rows = new List<string> { "row-1" };
        var action = new GuardedAction(ActionKind.DataExport, "Exporter.Export") { Arguments = [new("rows", rows)] };
        _client.ThenStatus(ApprovalStatus.Pending, ApprovalStatus.Approved);
        _client.OnPoll = () => rows.Add("row-2");

        var ex = await Assert.ThrowsAsync<ApprovalVerificationException>(() => RunGuarded(action));

        Assert.Equal(VerificationCheck.ActionHash, ex.Check);
        Assert.Equal(0, _runs);
    }

    [Fact]
    public async Task Self_approval_in_the_token_never_runs()
    {
        _client.CreateStatus = ApprovalStatus.Approved;
        _client.TamperToken = claims => claims["ag_approvers"] = new List<object> { new Dictionary<string, object> { ["iss"] = Alice.Issuer!, ["sub"] = Alice.Subject } };
        var action = new GuardedAction(ActionKind.PermissionChange, "Iam.Grant") { Initiator = Alice };

        var ex = await Assert.ThrowsAsync<ApprovalVerificationException>(() => RunGuarded(action));

        Assert.Equal(VerificationCheck.SelfApproval, ex.Check);
        Assert.Equal(0, _runs);
    }

    [Fact]
    public async Task An_already_claimed_approval_cannot_authorize_a_call()
    {
        _client.CreateStatus = ApprovalStatus.Executing;

        var ex = await Assert.ThrowsAsync<ApprovalVerificationException>(() => RunGuarded(Export()));

        Assert.Equal(VerificationCheck.Replay, ex.Check);
        Assert.Empty(_client.Claims);
    }

    [Fact]
    public async Task Failing_operation_reports_a_redacted_failure_and_rethrows()
    {
        _client.CreateStatus = ApprovalStatus.Approved;
        var guard = CreateGuard();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => guard.ExecuteAsync(
            Export(),
            _ => Task.FromException<int>(new InvalidOperationException("upload failed"))));

        Assert.Equal("upload failed", ex.Message);
        var outcome = Assert.Single(_client.Outcomes);
        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains("upload failed", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initiator_comes_from_the_action_then_the_ambient_scope_then_the_options()
    {
        _client.CreateStatus = ApprovalStatus.Approved;
        _options.DefaultInitiator = new ApprovalParty { Subject = "configured" };

        await RunGuarded(Export());
        using (ActionInitiator.Begin(new ApprovalParty { Subject = "ambient" }))
        {
            await RunGuarded(Export());
            await RunGuarded(new GuardedAction(ActionKind.DataExport, "Exporter.Export") { Initiator = new ApprovalParty { Subject = "explicit" } });
        }

        Assert.Equal(["configured", "ambient", "explicit"], _client.Created.Select(c => c.Request.Initiator?.Subject));
    }

    [Fact]
    public async Task Value_task_and_state_overloads_run_the_operation()
    {
        _client.CreateStatus = ApprovalStatus.Approved;
        var guard = CreateGuard();

        var doubled = await guard.ExecuteAsync(Export(), static (x, _) => ValueTask.FromResult(x * 2), 21);
        await guard.ExecuteAsync(Export(), _ => { _runs++; return ValueTask.CompletedTask; });
        await guard.ExecuteAsync(Export(), _ => { _runs++; return Task.CompletedTask; });

        Assert.Equal(42, doubled);
        Assert.Equal(2, _runs);
        Assert.Equal(3, _client.Outcomes.Count(o => o.Status == OutcomeStatus.Succeeded));
    }
}
