using System.Net;
using System.Text;
using System.Text.Json;
using ActionGuard.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Server.Tests.Conformance;

// One suite of the approval protocol, run against every backend: what an agent sees through the SDK's client, what a
// person's decision is answered with. A backend that passes here answers a guarded call the way the others do.
public abstract class ProtocolConformanceTests : IAsyncLifetime
{
    private ConformanceBackend _backend = null!;

    private ApprovalClient Agent => _backend.Agent(ConformanceBackend.AgentId);

    public async Task InitializeAsync() => _backend = await StartBackendAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    protected abstract Task<ConformanceBackend> StartBackendAsync();

    [Fact]
    public async Task A_create_is_pending_under_the_default_rule_and_a_replay_of_its_key_returns_it_unchanged()
    {
        var request = Request();

        var created = await Agent.CreateApprovalAsync(request, "key-1");
        var replayed = await Agent.CreateApprovalAsync(request, "key-1");

        Assert.Equal(ApprovalStatus.Pending, created.Status);
        Assert.Equal("default", created.Policy!.Rule);
        Assert.Equal(1, created.Policy.MinApprovals);
        Assert.Equal(ConformanceBackend.AgentId, created.AgentId);
        Assert.Equal(request.ActionHash, created.ActionHash);
        Assert.Equal(created.Id, replayed.Id);
        Assert.Equal(created.ExpiresAt, replayed.ExpiresAt);
    }

    [Fact]
    public async Task Another_body_under_a_used_idempotency_key_is_a_409_conflict()
    {
        await Agent.CreateApprovalAsync(Request(), "key-2");

        await RefusedAsync(() => Agent.CreateApprovalAsync(Request(name: "other.name"), "key-2"), HttpStatusCode.Conflict, ProtocolProblems.IdempotencyConflict);
    }

    [Fact]
    public async Task A_malformed_action_hash_is_a_400_naming_the_field()
    {
        var ex = await RefusedAsync(() => Agent.CreateApprovalAsync(Request(actionHash: "sha256:00"), "key-3"), HttpStatusCode.BadRequest, ProtocolProblems.Validation);

        Assert.Contains("actionHash", ex.Errors!.Keys);
    }

    [Fact]
    public async Task One_approval_approves_and_the_token_of_the_one_claim_is_bound_to_the_action_and_verifies()
    {
        var request = Request();
        var approval = await Agent.CreateApprovalAsync(request, "key-4");

        Assert.Null(await _backend.DecideAsync(approval.Id, "alice", ApprovalVerdict.Approve));
        var approved = await Agent.GetApprovalAsync(approval.Id);
        var claim = await Agent.ClaimAsync(approval.Id);
        await RefusedAsync(() => Agent.ClaimAsync(approval.Id), HttpStatusCode.Conflict, ProtocolProblems.AlreadyClaimed);

        Assert.Equal(ApprovalStatus.Approved, approved.Status);
        Assert.Equal("alice", Assert.Single(approved.Decisions).Approver.Subject);
        var token = await VerifyAsync(claim.DecisionToken);
        Assert.Equal(approval.Id, token.Subject);
        Assert.Equal(ConformanceBackend.AgentId, Assert.Single(token.Audiences));
        Assert.Equal(request.ActionHash, token.GetClaim("ag_hash").Value);
        Assert.Equal("approved", token.GetClaim("ag_verdict").Value);
        Assert.Contains("\"alice\"", token.GetClaim("ag_approvers").Value, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Executing, (await Agent.GetApprovalAsync(approval.Id)).Status);
    }

    [Fact]
    public async Task A_threshold_counts_people_and_one_person_cannot_decide_twice()
    {
        var approval = await Agent.CreateApprovalAsync(Request(kind: ActionKind.PermissionChange), "key-5");

        Assert.Equal(ConformancePolicy.TwoPerson, approval.Policy!.Rule);
        Assert.Equal(2, approval.Policy.MinApprovals);
        Assert.Null(await _backend.DecideAsync(approval.Id, "alice", ApprovalVerdict.Approve));
        Assert.Equal(new Refusal(HttpStatusCode.Conflict, ProtocolProblems.DuplicateDecision.Type), await _backend.DecideAsync(approval.Id, "alice", ApprovalVerdict.Approve));
        Assert.Equal(ApprovalStatus.Pending, (await Agent.GetApprovalAsync(approval.Id)).Status);
        Assert.Null(await _backend.DecideAsync(approval.Id, "bob", ApprovalVerdict.Approve));
        Assert.Equal(ApprovalStatus.Approved, (await Agent.GetApprovalAsync(approval.Id)).Status);
    }

    [Fact]
    public async Task A_decision_on_a_decided_approval_is_not_pending_whoever_makes_it()
    {
        var approval = await Agent.CreateApprovalAsync(Request(), "key-6");
        Assert.Null(await _backend.DecideAsync(approval.Id, "alice", ApprovalVerdict.Approve));

        // The same person again: the approval is no longer pending, which the backend says before anything else.
        Assert.Equal(new Refusal(HttpStatusCode.Conflict, ProtocolProblems.NotPending.Type), await _backend.DecideAsync(approval.Id, "alice", ApprovalVerdict.Approve));
        Assert.Equal(new Refusal(HttpStatusCode.Conflict, ProtocolProblems.NotPending.Type), await _backend.DecideAsync(approval.Id, "bob", ApprovalVerdict.Deny, "too late"));
    }

    [Fact]
    public async Task The_initiator_and_the_agent_itself_cannot_decide_and_policy_subjects_are_reserved()
    {
        var approval = await Agent.CreateApprovalAsync(Request(initiator: _backend.Person("dana")), "key-7");

        Assert.Equal(new Refusal(HttpStatusCode.Forbidden, ProtocolProblems.SelfApproval.Type), await _backend.DecideAsync(approval.Id, "dana", ApprovalVerdict.Approve));
        Assert.Equal(new Refusal(HttpStatusCode.Forbidden, ProtocolProblems.SelfApproval.Type), await _backend.DecideAsync(approval.Id, ConformanceBackend.AgentId, ApprovalVerdict.Approve));
        Assert.Equal(new Refusal(HttpStatusCode.Forbidden, ProtocolProblems.ReservedIdentity.Type), await _backend.DecideAsync(approval.Id, "policy:default", ApprovalVerdict.Approve));
        Assert.Equal(ApprovalStatus.Pending, (await Agent.GetApprovalAsync(approval.Id)).Status);
    }

    [Fact]
    public async Task A_denial_needs_a_reason_and_a_denied_approval_cannot_be_claimed()
    {
        var approval = await Agent.CreateApprovalAsync(Request(), "key-8");

        Assert.Equal(new Refusal(HttpStatusCode.BadRequest, ProtocolProblems.Validation.Type), await _backend.DecideAsync(approval.Id, "alice", ApprovalVerdict.Deny));
        Assert.Null(await _backend.DecideAsync(approval.Id, "alice", ApprovalVerdict.Deny, "not this quarter"));
        var denied = await Agent.GetApprovalAsync(approval.Id);

        Assert.Equal(ApprovalStatus.Denied, denied.Status);
        Assert.Equal("not this quarter", Assert.Single(denied.Decisions).Reason);
        await RefusedAsync(() => Agent.ClaimAsync(approval.Id), HttpStatusCode.Conflict, ProtocolProblems.NotApproved);
    }

    [Fact]
    public async Task Another_agent_can_neither_read_nor_claim_nor_cancel_nor_report()
    {
        var approval = await Agent.CreateApprovalAsync(Request(), "key-9");
        Assert.Null(await _backend.DecideAsync(approval.Id, "alice", ApprovalVerdict.Approve));
        var intruder = _backend.Agent(ConformanceBackend.OtherAgentId);

        await RefusedAsync(() => intruder.GetApprovalAsync(approval.Id), HttpStatusCode.Forbidden, ProtocolProblems.NotOwner);
        await RefusedAsync(() => intruder.ClaimAsync(approval.Id), HttpStatusCode.Forbidden, ProtocolProblems.NotOwner);
        await RefusedAsync(() => intruder.CancelAsync(approval.Id), HttpStatusCode.Forbidden, ProtocolProblems.NotOwner);
        await RefusedAsync(() => intruder.ReportOutcomeAsync(approval.Id, new ApprovalOutcome { Status = OutcomeStatus.Succeeded }), HttpStatusCode.Forbidden, ProtocolProblems.NotOwner);
        Assert.Equal(ApprovalStatus.Approved, (await Agent.GetApprovalAsync(approval.Id)).Status);
    }

    [Fact]
    public async Task An_unknown_approval_is_a_404()
    {
        await RefusedAsync(() => Agent.GetApprovalAsync("apr_0123456789abcdef0123456789abcdef"), HttpStatusCode.NotFound, ProtocolProblems.NotFound);
        await RefusedAsync(() => Agent.ClaimAsync("apr_0123456789abcdef0123456789abcdef"), HttpStatusCode.NotFound, ProtocolProblems.NotFound);
    }

    [Fact]
    public async Task An_outcome_needs_a_claim_and_reporting_it_again_is_harmless()
    {
        var approval = await Agent.CreateApprovalAsync(Request(), "key-10");
        Assert.Null(await _backend.DecideAsync(approval.Id, "alice", ApprovalVerdict.Approve));
        var succeeded = new ApprovalOutcome { Status = OutcomeStatus.Succeeded };

        await RefusedAsync(() => Agent.ReportOutcomeAsync(approval.Id, succeeded), HttpStatusCode.Conflict, ProtocolProblems.NotExecuting);
        await Agent.ClaimAsync(approval.Id);
        await Agent.ReportOutcomeAsync(approval.Id, succeeded);
        await Agent.ReportOutcomeAsync(approval.Id, succeeded);
        await RefusedAsync(() => Agent.ReportOutcomeAsync(approval.Id, new ApprovalOutcome { Status = OutcomeStatus.Failed, Error = "late" }), HttpStatusCode.Conflict, ProtocolProblems.NotExecuting);

        Assert.Equal(ApprovalStatus.Succeeded, (await Agent.GetApprovalAsync(approval.Id)).Status);
    }

    [Fact]
    public async Task A_report_of_several_outcomes_answers_each_as_its_own_report_would_and_a_repeated_one_is_harmless()
    {
        async Task<Approval> ApprovedAsync(ApprovalClient agent, string key)
        {
            var approval = await agent.CreateApprovalAsync(Request(), key);
            Assert.Null(await _backend.DecideAsync(approval.Id, "alice", ApprovalVerdict.Approve));
            return approval;
        }

        var first = await ApprovedAsync(Agent, "key-b1");
        var second = await ApprovedAsync(Agent, "key-b2");
        var unclaimed = await ApprovedAsync(Agent, "key-b3");
        var intruder = _backend.Agent(ConformanceBackend.OtherAgentId);
        var others = await ApprovedAsync(intruder, "key-b4");
        await Agent.ClaimAsync(first.Id);
        await Agent.ClaimAsync(second.Id);
        await intruder.ClaimAsync(others.Id);
        const string Unknown = "apr_0123456789abcdef0123456789abcdef";

        var results = await Agent.ReportOutcomesAsync(
        [
            new OutcomeReport { ApprovalId = first.Id, Status = OutcomeStatus.Succeeded },
            new OutcomeReport { ApprovalId = second.Id, Status = OutcomeStatus.Failed, Error = "disk full" },
            new OutcomeReport { ApprovalId = unclaimed.Id, Status = OutcomeStatus.Succeeded },
            new OutcomeReport { ApprovalId = others.Id, Status = OutcomeStatus.Succeeded },
            new OutcomeReport { ApprovalId = Unknown, Status = OutcomeStatus.Succeeded },
            new OutcomeReport { ApprovalId = first.Id, Status = OutcomeStatus.Succeeded },
        ]);

        Assert.Equal([first.Id, second.Id, unclaimed.Id, others.Id, Unknown, first.Id], results.Select(r => r.ApprovalId));
        Assert.Equal([ApprovalStatus.Succeeded, ApprovalStatus.Failed, null, null, null, ApprovalStatus.Succeeded], results.Select(r => r.Status));
        Assert.Equal(
            [null, null, ProtocolProblems.NotExecuting.Type, ProtocolProblems.NotOwner.Type, ProtocolProblems.NotFound.Type, null],
            results.Select(r => r.ProblemType));
        Assert.Equal(ApprovalStatus.Succeeded, (await Agent.GetApprovalAsync(first.Id)).Status);
        Assert.Equal(ApprovalStatus.Failed, (await Agent.GetApprovalAsync(second.Id)).Status);
        Assert.Equal(ApprovalStatus.Approved, (await Agent.GetApprovalAsync(unclaimed.Id)).Status);
        Assert.Equal(ApprovalStatus.Executing, (await intruder.GetApprovalAsync(others.Id)).Status);
    }

    [Fact]
    public async Task Only_a_pending_approval_can_be_cancelled_and_cancelling_twice_is_harmless()
    {
        var pending = await Agent.CreateApprovalAsync(Request(), "key-11");
        var approved = await Agent.CreateApprovalAsync(Request(), "key-12");
        Assert.Null(await _backend.DecideAsync(approved.Id, "alice", ApprovalVerdict.Approve));

        await Agent.CancelAsync(pending.Id);
        await Agent.CancelAsync(pending.Id);
        await RefusedAsync(() => Agent.CancelAsync(approved.Id), HttpStatusCode.Conflict, ProtocolProblems.NotPending);

        Assert.Equal(ApprovalStatus.Cancelled, (await Agent.GetApprovalAsync(pending.Id)).Status);
        Assert.Equal(new Refusal(HttpStatusCode.Conflict, ProtocolProblems.NotPending.Type), await _backend.DecideAsync(pending.Id, "bob", ApprovalVerdict.Approve));
    }

    [Fact]
    public async Task A_long_poll_returns_as_soon_as_a_person_decides()
    {
        var approval = await Agent.CreateApprovalAsync(Request(), "key-13");

        var poll = Agent.GetApprovalAsync(approval.Id, wait: TimeSpan.FromSeconds(30));
        await Task.Delay(200);
        Assert.False(poll.IsCompleted);
        Assert.Null(await _backend.DecideAsync(approval.Id, "alice", ApprovalVerdict.Approve));

        Assert.Equal(ApprovalStatus.Approved, (await poll.WaitAsync(TimeSpan.FromSeconds(10))).Status);
    }

    [Fact]
    public async Task A_stream_shows_each_change_until_a_final_status()
    {
        var approval = await Agent.CreateApprovalAsync(Request(), "key-14");
        var statuses = new List<ApprovalStatus>();

        var watch = Task.Run(async () =>
        {
            await foreach (var change in Agent.WatchApprovalAsync(approval.Id))
            {
                lock (statuses)
                {
                    statuses.Add(change.Status);
                }
            }
        });
        await WaitUntilAsync(() => statuses.Count > 0);
        Assert.Null(await _backend.DecideAsync(approval.Id, "alice", ApprovalVerdict.Deny, "no"));
        await watch.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([ApprovalStatus.Pending, ApprovalStatus.Denied], statuses);
    }

    [Fact]
    public async Task A_rule_that_allows_approves_at_creation_in_the_rule_s_name()
    {
        var approval = await Agent.CreateApprovalAsync(Request(environment: "dev"), "key-15");

        Assert.Equal(ApprovalStatus.Approved, approval.Status);
        var decision = Assert.Single(approval.Decisions);
        Assert.Equal("policy:" + ConformancePolicy.DevExports, decision.Approver.Subject);
        Assert.True(decision.Approver.IsPolicyRule);
        var token = await VerifyAsync((await Agent.ClaimAsync(approval.Id)).DecisionToken);
        Assert.Contains("policy:" + ConformancePolicy.DevExports, token.GetClaim("ag_approvers").Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_create_that_asks_to_claim_what_policy_allows_gets_the_bound_token_once_and_only_when_allowed()
    {
        var request = Request(environment: "dev");
        var allowed = await Agent.CreateApprovalAsync(new CreateApprovalRequest { Action = request.Action, ActionHash = request.ActionHash, ClaimIfAllowed = true }, "key-18");
        var replay = await Agent.CreateApprovalAsync(new CreateApprovalRequest { Action = request.Action, ActionHash = request.ActionHash, ClaimIfAllowed = true }, "key-18");
        var pending = await Agent.CreateApprovalAsync(new CreateApprovalRequest { Action = Request().Action, ActionHash = Request().ActionHash, ClaimIfAllowed = true }, "key-19");

        Assert.Equal(ApprovalStatus.Executing, allowed.Status);
        var token = await VerifyAsync(allowed.DecisionToken!);
        Assert.Equal(allowed.Id, token.Subject);
        Assert.Equal(request.ActionHash, token.GetClaim("ag_hash").Value);
        Assert.Contains("policy:" + ConformancePolicy.DevExports, token.GetClaim("ag_approvers").Value, StringComparison.Ordinal);
        await RefusedAsync(() => Agent.ClaimAsync(allowed.Id), HttpStatusCode.Conflict, ProtocolProblems.AlreadyClaimed);
        // A replayed create shows the approval claimed but never carries a second token.
        Assert.Equal(allowed.Id, replay.Id);
        Assert.Equal(ApprovalStatus.Executing, replay.Status);
        Assert.Null(replay.DecisionToken);
        // What policy does not allow waits for a person, with no token.
        Assert.Equal(ApprovalStatus.Pending, pending.Status);
        Assert.Null(pending.DecisionToken);
    }

    [Fact]
    public async Task A_rule_that_denies_denies_at_creation_with_its_reason()
    {
        var approval = await Agent.CreateApprovalAsync(Request(destination: "http://example.com/upload"), "key-16");

        Assert.Equal(ApprovalStatus.Denied, approval.Status);
        Assert.Equal(ConformancePolicy.NoPlainHttpReason, Assert.Single(approval.Decisions).Reason);
        await RefusedAsync(() => Agent.ClaimAsync(approval.Id), HttpStatusCode.Conflict, ProtocolProblems.NotApproved);
    }

    [Fact]
    public async Task An_unanswered_request_expires_at_its_rule_s_ttl_and_then_nobody_can_decide()
    {
        var approval = await Agent.CreateApprovalAsync(Request(name: "short.export"), "key-17");
        Assert.Equal(ConformancePolicy.ShortLived, approval.Policy!.Rule);
        Assert.Equal(approval.CreatedAt + ConformancePolicy.ShortTtl, approval.ExpiresAt);

        var expired = await Agent.GetApprovalAsync(approval.Id, wait: TimeSpan.FromSeconds(10));

        Assert.Equal(ApprovalStatus.Expired, expired.Status);
        Assert.Equal(new Refusal(HttpStatusCode.Conflict, ProtocolProblems.NotPending.Type), await _backend.DecideAsync(approval.Id, "alice", ApprovalVerdict.Approve));
        await RefusedAsync(() => Agent.ClaimAsync(approval.Id), HttpStatusCode.Conflict, ProtocolProblems.NotApproved);
    }

    private static CreateApprovalRequest Request(
        string kind = ActionKind.DataExport,
        string name = "customers.export",
        string? environment = "prod",
        string? destination = "s3://exports/q3.csv",
        ApprovalParty? initiator = null,
        string? actionHash = null) => new()
        {
            Action = new ApprovalAction { Kind = kind, Name = name, Resource = "crm://customers", Destination = destination, Environment = environment },
            Initiator = initiator,
            ActionHash = actionHash ?? "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };

    private static async Task<ApprovalRequestRejectedException> RefusedAsync(Func<Task> call, HttpStatusCode status, ProtocolProblem problem)
    {
        var ex = await Assert.ThrowsAsync<ApprovalRequestRejectedException>(call);
        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(problem.Type, ex.ProblemType);
        return ex;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition());
    }

    // Checks the signature against the keys the backend publishes to agents, and the token's lifetime.
    private async Task<JsonWebToken> VerifyAsync(string token)
    {
        var keys = new JsonWebKeySet(await Agent.GetSigningKeysAsync());
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }
}
