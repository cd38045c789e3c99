using System.Net;
using ActionGuard.Server.Tests.TestSupport;

namespace ActionGuard.Server.Tests.Approvals;

public sealed class SelfApprovalTests(IdpFixture fixture) : IClassFixture<IdpFixture>, IAsyncLifetime
{
    private ServerHost _host = null!;

    private TestOidcIssuer Idp => fixture.Idp;

    public Task InitializeAsync()
    {
        _host = ServerHost.StartInMemory(Idp);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_initiator_cannot_approve_their_own_request()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent, Api.Body(initiator: Api.Party("dana", Idp.Issuer)));
        using var dana = _host.CreateClient(Idp.IssueToken("dana"));

        var reply = await Api.DecideAsync(dana, id);

        Assert.Equal(HttpStatusCode.Forbidden, reply.Status);
        Assert.EndsWith("/self-approval", reply.ProblemType);
        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
    }

    [Fact]
    public async Task An_initiator_named_without_issuer_still_cannot_approve()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent, Api.Body(initiator: Api.Party("dana", issuer: null)));
        using var dana = _host.CreateClient(Idp.IssueToken("dana"));

        Assert.Equal(HttpStatusCode.Forbidden, (await Api.DecideAsync(dana, id)).Status);
    }

    [Fact]
    public async Task The_initiator_cannot_deny_either()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent, Api.Body(initiator: Api.Party("dana", Idp.Issuer)));
        using var dana = _host.CreateClient(Idp.IssueToken("dana"));

        Assert.Equal(HttpStatusCode.Forbidden, (await Api.DecideAsync(dana, id, "deny", "changed my mind")).Status);
    }

    [Fact]
    public async Task A_person_whose_subject_is_the_agent_cannot_approve()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent);
        using var agentAsPerson = _host.CreateClient(Idp.IssueToken(ServerHost.AgentId));

        var reply = await Api.DecideAsync(agentAsPerson, id);
        Assert.Equal(HttpStatusCode.Forbidden, reply.Status);
        Assert.EndsWith("/self-approval", reply.ProblemType);
    }

    [Fact]
    public async Task The_same_subject_under_two_groups_counts_once()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent, Api.Body(kind: "permission_change"));
        using var asOps = _host.CreateClient(Idp.IssueToken("alice", groups: ["ops"]));
        using var asSecurity = _host.CreateClient(Idp.IssueToken("alice", name: "Alice again", groups: ["security"]));

        Assert.Equal("pending", (await Api.DecideAsync(asOps, id)).ApprovalStatus);
        var second = await Api.DecideAsync(asSecurity, id);

        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.EndsWith("/duplicate-decision", second.ProblemType);
        var current = await Api.GetAsync(agent, "v1/approvals/" + id);
        Assert.Equal("pending", current.ApprovalStatus);
        Assert.Single(current.Json["decisions"]!.AsArray());
    }

    [Fact]
    public async Task Policy_subjects_are_reserved()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent);
        using var impostor = _host.CreateClient(Idp.IssueToken("policy:dev-exports"));

        var reply = await Api.DecideAsync(impostor, id);
        Assert.Equal(HttpStatusCode.Forbidden, reply.Status);
        Assert.EndsWith("/reserved-identity", reply.ProblemType);
    }

    [Fact]
    public async Task A_proven_initiator_token_replaces_stated_claims_and_a_mismatch_is_refused()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        var proven = Api.Party("dana", null);
        proven["token"] = Idp.IssueToken("dana", audience: "agent-app");
        var id = await Api.CreatePendingAsync(agent, Api.Body(initiator: proven));
        var created = await Api.GetAsync(agent, "v1/approvals/" + id);
        Assert.Equal(Idp.Issuer, (string?)created.Json["initiator"]!["issuer"]);
        Assert.Null(created.Json["initiator"]!["token"]);

        using var dana = _host.CreateClient(Idp.IssueToken("dana"));
        Assert.Equal(HttpStatusCode.Forbidden, (await Api.DecideAsync(dana, id)).Status);

        var lying = Api.Party("erin", Idp.Issuer);
        lying["token"] = Idp.IssueToken("dana");
        var refused = await Api.CreateAsync(agent, Api.Body(initiator: lying));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.True(refused.HasError("initiator"));

        var forged = Api.Party("dana", Idp.Issuer);
        forged["token"] = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJkYW5hIn0.";
        Assert.True((await Api.CreateAsync(agent, Api.Body(initiator: forged))).HasError("initiator.token"));
    }
}
