using System.Net;
using System.Text.Json.Nodes;
using ActionGuard.Server.Tests.TestSupport;

namespace ActionGuard.Server.Tests.Endpoints;

public sealed class LifecycleTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private TestOidcIssuer Idp => fixture.Idp;

    [Fact]
    public async Task Create_returns_201_with_the_pending_approval_and_the_policy_applied()
    {
        await using var host = ServerHost.StartInMemory(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var body = Api.Body(initiator: Api.Party("dana", Idp.Issuer));

        var reply = await Api.CreateAsync(agent, body);

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Equal("application/json", reply.MediaType);
        var json = reply.Json;
        Assert.StartsWith("apr_", reply.Id);
        Assert.Equal("pending", reply.ApprovalStatus);
        Assert.Equal(ServerHost.AgentId, (string?)json["agentId"]);
        Assert.Equal("Exporter.Export", (string?)json["action"]!["name"]);
        Assert.Equal("dana", (string?)json["initiator"]!["subject"]);
        Assert.Equal((string?)body["actionHash"], (string?)json["actionHash"]);
        Assert.Equal("default", (string?)json["policy"]!["rule"]);
        Assert.Equal(1, (int)json["policy"]!["minApprovals"]!);
        Assert.Equal(3, (int)json["dataClasses"]!["email"]!);
        Assert.True(DateTimeOffset.Parse((string)json["expiresAt"]!) > DateTimeOffset.Parse((string)json["createdAt"]!));
        Assert.EndsWith("/v1/approvals/" + reply.Id, reply.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Same_idempotency_key_and_body_returns_the_same_approval_with_200()
    {
        await using var host = ServerHost.StartInMemory(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var body = Api.Body();

        var first = await Api.CreateAsync(agent, body, "key-1");
        var second = await Api.CreateAsync(agent, body, "key-1");

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.Id, second.Id);
    }

    [Fact]
    public async Task Same_idempotency_key_with_another_body_is_409()
    {
        await using var host = ServerHost.StartInMemory(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);

        await Api.CreateAsync(agent, Api.Body(), "key-1");
        var second = await Api.CreateAsync(agent, Api.Body(), "key-1");

        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.Equal("application/problem+json", second.MediaType);
        Assert.EndsWith("/idempotency-conflict", second.ProblemType);
    }

    [Fact]
    public async Task Idempotency_keys_are_scoped_per_agent()
    {
        await using var host = ServerHost.StartInMemory(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var other = host.CreateClient(ServerHost.OtherAgentKey);

        var first = await Api.CreateAsync(agent, Api.Body(), "shared");
        var second = await Api.CreateAsync(other, Api.Body(), "shared");

        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task Approve_claim_outcome_walks_the_status_forward_and_a_second_claim_is_409()
    {
        await using var host = ServerHost.StartInMemory(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var approver = host.CreateClient(Idp.IssueToken("alice", "Alice"));
        var id = await Api.CreatePendingAsync(agent);

        var decided = await Api.DecideAsync(approver, id);
        Assert.Equal(HttpStatusCode.OK, decided.Status);
        Assert.Equal("approved", decided.ApprovalStatus);
        Assert.Equal("alice", (string?)decided.Json["decisions"]![0]!["approver"]!["subject"]);
        Assert.Equal(Idp.Issuer, (string?)decided.Json["decisions"]![0]!["approver"]!["issuer"]);

        var claim = await Api.ClaimAsync(agent, id);
        Assert.Equal(HttpStatusCode.OK, claim.Status);
        Assert.False(string.IsNullOrEmpty((string?)claim.Json["decisionToken"]));

        var again = await Api.ClaimAsync(agent, id);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.EndsWith("/already-claimed", again.ProblemType);

        var outcome = await Api.OutcomeAsync(agent, id, "succeeded");
        Assert.Equal("succeeded", outcome.ApprovalStatus);
        var repeated = await Api.OutcomeAsync(agent, id, "succeeded");
        Assert.Equal(HttpStatusCode.OK, repeated.Status);
        var contradicting = await Api.OutcomeAsync(agent, id, "failed");
        Assert.Equal(HttpStatusCode.Conflict, contradicting.Status);
    }

    [Fact]
    public async Task Deny_with_a_reason_ends_the_request()
    {
        await using var host = ServerHost.StartInMemory(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var approver = host.CreateClient(Idp.IssueToken("alice"));
        var id = await Api.CreatePendingAsync(agent);

        var denied = await Api.DecideAsync(approver, id, "deny", "not this quarter");

        Assert.Equal("denied", denied.ApprovalStatus);
        Assert.Equal("not this quarter", (string?)denied.Json["decisions"]![0]!["reason"]);
        var claim = await Api.ClaimAsync(agent, id);
        Assert.Equal(HttpStatusCode.Conflict, claim.Status);
        Assert.EndsWith("/not-approved", claim.ProblemType);
    }

    [Fact]
    public async Task Two_person_rule_needs_two_distinct_people()
    {
        await using var host = ServerHost.StartInMemory(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent, Api.Body(kind: "permission_change", name: "Grant.Admin"));

        using var alice = host.CreateClient(Idp.IssueToken("alice"));
        var first = await Api.DecideAsync(alice, id);
        Assert.Equal("pending", first.ApprovalStatus);
        Assert.Equal(2, (int)first.Json["policy"]!["minApprovals"]!);

        using var bob = host.CreateClient(Idp.IssueToken("bob"));
        var second = await Api.DecideAsync(bob, id);
        Assert.Equal("approved", second.ApprovalStatus);
    }

    [Fact]
    public async Task Cancel_withdraws_a_pending_request_and_is_idempotent()
    {
        await using var host = ServerHost.StartInMemory(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var approver = host.CreateClient(Idp.IssueToken("alice"));
        var id = await Api.CreatePendingAsync(agent);

        Assert.Equal("cancelled", (await Api.CancelAsync(agent, id)).ApprovalStatus);
        Assert.Equal(HttpStatusCode.OK, (await Api.CancelAsync(agent, id)).Status);
        var decide = await Api.DecideAsync(approver, id);
        Assert.Equal(HttpStatusCode.Conflict, decide.Status);
        Assert.EndsWith("/not-pending", decide.ProblemType);
    }

    [Fact]
    public async Task Policy_allow_approves_at_once_recorded_as_decided_by_the_rule()
    {
        await using var host = ServerHost.StartInMemory(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);

        var reply = await Api.CreateAsync(agent, Api.Body(environment: "dev"));

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Equal("approved", reply.ApprovalStatus);
        Assert.Equal("dev-exports", (string?)reply.Json["policy"]!["rule"]);
        Assert.Equal("policy:dev-exports", (string?)reply.Json["decisions"]![0]!["approver"]!["subject"]);
        Assert.Equal(HttpStatusCode.OK, (await Api.ClaimAsync(agent, reply.Id)).Status);
    }

    [Fact]
    public async Task Policy_deny_denies_at_once_with_the_rule_reason()
    {
        await using var host = ServerHost.StartInMemory(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);

        var reply = await Api.CreateAsync(agent, Api.Body(destination: "http://plain.example.com/upload"));

        Assert.Equal("denied", reply.ApprovalStatus);
        Assert.Equal("policy:no-plain-http", (string?)reply.Json["decisions"]![0]!["approver"]!["subject"]);
        Assert.Equal("Plain HTTP destinations are not allowed.", (string?)reply.Json["decisions"]![0]!["reason"]);
    }

    [Fact]
    public async Task Approvers_list_pending_newest_first_with_a_cursor()
    {
        await using var host = ServerHost.StartInMemory(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var approver = host.CreateClient(Idp.IssueToken("alice"));
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await Api.CreatePendingAsync(agent));
        }

        await Api.DecideAsync(approver, ids[2]);

        var page1 = await Api.GetAsync(approver, "v1/approvals?status=pending&limit=3");
        var items1 = page1.Json["items"]!.AsArray().Select(i => (string)i!["id"]!).ToList();
        var cursor = (string?)page1.Json["nextCursor"];
        Assert.Equal([ids[4], ids[3], ids[1]], items1);
        Assert.NotNull(cursor);

        var page2 = await Api.GetAsync(approver, "v1/approvals?status=pending&limit=3&cursor=" + cursor);
        Assert.Equal([ids[0]], page2.Json["items"]!.AsArray().Select(i => (string)i!["id"]!).ToList());
        Assert.Null((string?)page2.Json["nextCursor"]);
    }

    [Fact]
    public async Task Health_and_readiness_answer_without_a_token()
    {
        await using var host = ServerHost.StartInMemory(Idp);
        using var anyone = host.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync(anyone, "healthz")).Status);
        var ready = await Api.GetAsync(anyone, "readyz");
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("ready", (string?)ready.Json["status"]);
        var jwks = await Api.GetAsync(anyone, ".well-known/jwks.json");
        Assert.Equal("EC", (string?)jwks.Json["keys"]![0]!["kty"]);
        Assert.False(string.IsNullOrEmpty((string?)jwks.Json["keys"]![0]!["kid"]));
        Assert.Null(jwks.Json["keys"]![0]!["d"]);
    }
}
