using System.Net;
using ActionGuard.Server.Notifications;
using ActionGuard.Server.Notifications.Slack;
using ActionGuard.Server.Tests.Notifications;
using ActionGuard.Server.Tests.Notifications.Slack;
using ActionGuard.Server.Tests.TestSupport;

namespace ActionGuard.Server.Tests.Identity;

// One human trying to count as two — or to approve what they asked for — through every door a real server on
// 127.0.0.1 has: issuers spelled another way, a second identity provider, the API and Slack, an e-mail address.
public sealed class OnePersonTests(IdpFixture fixture) : IClassFixture<IdpFixture>, IAsyncLifetime
{
    private TestOidcIssuer _second = null!;

    private TestOidcIssuer Idp => fixture.Idp;

    public async Task InitializeAsync() => _second = await TestOidcIssuer.StartAsync();

    public async Task DisposeAsync() => await _second.DisposeAsync();

    [Theory]
    [InlineData("/")]
    [InlineData("//")]
    [InlineData("upper")]
    [InlineData("padded")]
    public async Task The_initiator_cannot_approve_when_the_agent_spells_the_issuer_another_way(string spelling)
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var issuer = spelling switch
        {
            "upper" => Idp.Issuer.ToUpperInvariant(),
            "padded" => " " + Idp.Issuer + " ",
            _ => Idp.Issuer + spelling,
        };
        var id = await Api.CreatePendingAsync(agent, Api.Body(initiator: Api.Party("dana", issuer)));
        using var dana = host.CreateClient(Idp.IssueToken("dana"));

        var reply = await Api.DecideAsync(dana, id);

        Assert.Equal(HttpStatusCode.Forbidden, reply.Status);
        Assert.EndsWith("/self-approval", reply.ProblemType, StringComparison.Ordinal);
        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
    }

    [Fact]
    public async Task An_initiator_known_only_by_email_cannot_approve_under_a_token_with_that_verified_email()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var initiator = Api.Party("chat-user-4411", issuer: null);
        initiator["email"] = "Dana@Example.com";
        var id = await Api.CreatePendingAsync(agent, Api.Body(initiator: initiator));
        using var dana = host.CreateClient(Idp.IssueToken("dana", extraClaims: Verified("dana@example.com")));

        var reply = await Api.DecideAsync(dana, id);

        Assert.Equal(HttpStatusCode.Forbidden, reply.Status);
        Assert.EndsWith("/self-approval", reply.ProblemType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_person_with_an_account_at_each_of_two_identity_providers_counts_once_when_the_verified_emails_agree()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp, TwoIssuers);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent, Api.Body(kind: "permission_change"));
        using var aliceHere = host.CreateClient(Idp.IssueToken("alice", extraClaims: Verified("alice@example.com")));
        using var aliceThere = host.CreateClient(_second.IssueToken("a.jones", extraClaims: Verified("ALICE@example.com")));

        Assert.Equal("pending", (await Api.DecideAsync(aliceHere, id)).ApprovalStatus);
        var second = await Api.DecideAsync(aliceThere, id);

        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.EndsWith("/duplicate-decision", second.ProblemType, StringComparison.Ordinal);
        using var bob = host.CreateClient(Idp.IssueToken("bob"));
        Assert.Equal("approved", (await Api.DecideAsync(bob, id)).ApprovalStatus);
    }

    [Fact]
    public async Task An_email_the_identity_provider_did_not_verify_joins_nobody()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp, TwoIssuers);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent, Api.Body(kind: "permission_change"));
        using var alice = host.CreateClient(Idp.IssueToken("alice", extraClaims: Verified("alice@example.com")));
        // Mallory typed Alice's address into an unverified profile field at the other provider.
        using var mallory = host.CreateClient(_second.IssueToken("mallory", extraClaims: new Dictionary<string, object> { ["email"] = "alice@example.com", ["email_verified"] = false }));

        Assert.Equal("pending", (await Api.DecideAsync(mallory, id)).ApprovalStatus);
        Assert.Equal("approved", (await Api.DecideAsync(alice, id)).ApprovalStatus);
    }

    [Fact]
    public async Task Identities_in_the_link_table_count_once_and_the_initiators_other_identity_cannot_approve()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp, s =>
        {
            TwoIssuers(s);
            s["ActionGuard:People:Links:0:Name"] = "alice";
            s["ActionGuard:People:Links:0:Identities:0:Issuer"] = Idp.Issuer + "/";
            s["ActionGuard:People:Links:0:Identities:0:Subject"] = "alice";
            s["ActionGuard:People:Links:0:Identities:1:Issuer"] = _second.Issuer;
            s["ActionGuard:People:Links:0:Identities:1:Subject"] = "ajones-7";
        });
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var aliceHere = host.CreateClient(Idp.IssueToken("alice"));
        using var aliceThere = host.CreateClient(_second.IssueToken("ajones-7"));

        var twoPerson = await Api.CreatePendingAsync(agent, Api.Body(kind: "permission_change"));
        Assert.Equal("pending", (await Api.DecideAsync(aliceHere, twoPerson)).ApprovalStatus);
        Assert.EndsWith("/duplicate-decision", (await Api.DecideAsync(aliceThere, twoPerson)).ProblemType, StringComparison.Ordinal);

        var hers = await Api.CreatePendingAsync(agent, Api.Body(initiator: Api.Party("alice", Idp.Issuer)));
        Assert.EndsWith("/self-approval", (await Api.DecideAsync(aliceThere, hers)).ProblemType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_approver_on_the_api_and_through_a_slack_link_with_the_issuer_spelled_another_way_counts_once()
    {
        await using var slack = await SlackRequests.StartSlackAsync();
        await using var host = await ServerHost.StartKestrelAsync(Idp, s => SlackRequests.Configure(s, slack, Idp.Issuer + "/"));
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var client = host.CreateClient();
        using var alice = host.CreateClient(Idp.IssueToken("alice"));
        var id = await Api.CreatePendingAsync(agent, Api.Body(kind: "permission_change"));

        Assert.Equal("pending", (await Api.DecideAsync(alice, id)).ApprovalStatus);
        await SlackRequests.PostInteractionAsync(client, SlackRequests.BlockAction("U-ALICE", SlackMessages.ApproveAction, id));

        var ephemeral = await slack.WaitForAsync(r => r.Path == "/api/chat.postEphemeral");
        Assert.Contains("did not count", ephemeral.Body, StringComparison.Ordinal);
        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
    }

    [Fact]
    public async Task With_proven_initiators_required_a_stated_initiator_is_refused_naming_the_token_field()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp, s => s["ActionGuard:People:RequireProvenInitiator"] = "true");
        using var agent = host.CreateClient(ServerHost.AgentKey);

        var stated = await Api.CreateAsync(agent, Api.Body(initiator: Api.Party("dana", Idp.Issuer)));
        var none = await Api.CreateAsync(agent, Api.Body());
        var proven = Api.Party("dana", Idp.Issuer);
        proven["token"] = Idp.IssueToken("dana", audience: "the-agents-own-app");
        var withToken = await Api.CreateAsync(agent, Api.Body(initiator: proven));

        foreach (var refused in new[] { stated, none })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Contains("initiator.token", refused.Text, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Created, withToken.Status);
    }

    [Theory]
    [InlineData("dup-issuer")]
    [InlineData("unknown-issuer")]
    [InlineData("one-identity")]
    [InlineData("twice-linked")]
    [InlineData("slack-unknown-issuer")]
    public async Task Issuers_and_links_that_would_split_or_mistake_a_person_stop_the_start_naming_the_key(string flaw)
    {
        var (settings, key) = flaw switch
        {
            "dup-issuer" => ((Action<Dictionary<string, string?>>)(s =>
            {
                s["ActionGuard:Issuers:1:Issuer"] = Idp.Issuer.ToUpperInvariant() + "/";
                s["ActionGuard:Issuers:1:Audience"] = TestOidcIssuer.Audience;
            }), "ActionGuard:Issuers:1:Issuer"),
            "unknown-issuer" => (s => Link(s, ("https://elsewhere.example.com", "alice"), (Idp.Issuer, "alice2")), "ActionGuard:People:Links:0:Identities:0:Issuer"),
            "one-identity" => (s => Link(s, (Idp.Issuer, "alice")), "ActionGuard:People:Links:0:Identities"),
            "twice-linked" => (s =>
            {
                Link(s, (Idp.Issuer, "alice"), (Idp.Issuer, "alice2"));
                s["ActionGuard:People:Links:1:Name"] = "other";
                s["ActionGuard:People:Links:1:Identities:0:Issuer"] = Idp.Issuer + "/";
                s["ActionGuard:People:Links:1:Identities:0:Subject"] = "alice";
                s["ActionGuard:People:Links:1:Identities:1:Issuer"] = Idp.Issuer;
                s["ActionGuard:People:Links:1:Identities:1:Subject"] = "alice3";
            }, "ActionGuard:People:Links:1:Identities:0"),
            _ => (s =>
            {
                s["ActionGuard:Notifications:Slack:BotToken"] = "xoxb-1";
                s["ActionGuard:Notifications:Slack:Channel"] = "C1";
                s["ActionGuard:Notifications:Slack:SigningSecret"] = "secret";
                s["ActionGuard:Notifications:Slack:Users:0:SlackUserId"] = "U1";
                s["ActionGuard:Notifications:Slack:Users:0:Issuer"] = "https://elsewhere.example.com";
                s["ActionGuard:Notifications:Slack:Users:0:Subject"] = "alice";
            }, "ActionGuard:Notifications:Slack:Users:0:Issuer"),
        };

        var ex = await Assert.ThrowsAnyAsync<Exception>(async () => await (await ServerHost.StartKestrelAsync(Idp, settings)).DisposeAsync());

        Assert.Contains(key, ex.ToString(), StringComparison.Ordinal);
    }

    private static Dictionary<string, object> Verified(string email) => new() { ["email"] = email, ["email_verified"] = true };

    private static void Link(Dictionary<string, string?> s, params (string Issuer, string Subject)[] identities)
    {
        s["ActionGuard:People:Links:0:Name"] = "alice";
        for (var i = 0; i < identities.Length; i++)
        {
            s[$"ActionGuard:People:Links:0:Identities:{i}:Issuer"] = identities[i].Issuer;
            s[$"ActionGuard:People:Links:0:Identities:{i}:Subject"] = identities[i].Subject;
        }
    }

    private void TwoIssuers(Dictionary<string, string?> s)
    {
        s["ActionGuard:Issuers:1:Issuer"] = _second.Issuer;
        s["ActionGuard:Issuers:1:Audience"] = TestOidcIssuer.Audience;
        s["ActionGuard:Issuers:1:RequireHttpsMetadata"] = "false";
    }
}
