using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActionGuard.Server.Audit;
using ActionGuard.Server.Notifications;
using ActionGuard.Server.Notifications.Slack;
using ActionGuard.Server.Tests.TestSupport;
using static ActionGuard.Server.Tests.Notifications.Slack.SlackRequests;

namespace ActionGuard.Server.Tests.Notifications.Slack;

// Slack's users.info is a local receiver on 127.0.0.1; approvers sign in to the API with real tokens from the test IdP.
public sealed class SlackEmailMappingTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private const string CarolEmail = "carol@example.com";

    private readonly ConcurrentDictionary<string, JsonObject> _slackUsers = new(StringComparer.Ordinal);

    private TestOidcIssuer Idp => fixture.Idp;

    [Fact]
    public async Task An_unlinked_slack_user_decides_as_the_identity_with_the_same_verified_email_and_its_groups()
    {
        await using var slack = await StartAsync();
        await using var host = ServerHost.StartInMemory(Idp, s => Configure(s, slack));
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var client = host.CreateClient();
        await SignInAsync(host, "carol", "Carol@Example.com", verified: true, groups: ["ops"]);
        _slackUsers["U-CAROL"] = SlackUser("U-CAROL", CarolEmail);

        // The ops-only rule: only the "ops" group recorded from Carol's token can approve this.
        var id = await Api.CreatePendingAsync(agent, Api.Body(kind: "infrastructure_mutation"));
        var response = await PostInteractionAsync(client, BlockAction("U-CAROL", SlackMessages.ApproveAction, id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lookup = await slack.WaitForAsync(r => r.Path == "/api/users.info");
        Assert.Equal("Bearer " + BotToken, lookup.Headers["Authorization"]);
        Assert.Equal("user=U-CAROL", lookup.Body);
        var approval = await Api.GetAsync(agent, "v1/approvals/" + id);
        Assert.Equal("approved", approval.ApprovalStatus);
        Assert.Equal("carol", (string?)approval.Json["decisions"]![0]!["approver"]!["subject"]);
        Assert.Equal(Idp.Issuer, (string?)approval.Json["decisions"]![0]!["approver"]!["issuer"]);
        var decided = Assert.Single(await host.Store.ReadAuditAsync(0, 1000), r => r.Type == AuditTypes.Decided);
        Assert.Equal("user:carol@" + Idp.Issuer, decided.Actor);
        var ephemeral = await slack.WaitForAsync(r => r.Path == "/api/chat.postEphemeral");
        Assert.Contains("now approved", ephemeral.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Groups_recorded_longer_ago_than_the_bound_do_not_count_until_the_person_authenticates_again()
    {
        // The server's clock starts 16 minutes back, so that after moving on it agrees with Slack's signed timestamps.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-16));
        await using var slack = await StartAsync();
        await using var host = ServerHost.StartInMemory(Idp, s => Configure(s, slack), time);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var client = host.CreateClient();
        await SignInAsync(host, "carol", CarolEmail, verified: true, groups: ["ops"], now: time.GetUtcNow());
        _slackUsers["U-CAROL"] = SlackUser("U-CAROL", CarolEmail);

        // Sixteen minutes later Carol may no longer be in ops; the server has not seen a token of hers since.
        time.Advance(TimeSpan.FromMinutes(16));
        var id = await Api.CreatePendingAsync(agent, Api.Body(kind: "infrastructure_mutation"));
        await PostInteractionAsync(client, BlockAction("U-CAROL", SlackMessages.ApproveAction, id));

        var ephemeral = await slack.WaitForAsync(r => r.Path == "/api/chat.postEphemeral");
        Assert.Contains("did not count", ephemeral.Body, StringComparison.Ordinal);
        Assert.Contains("too long ago", ephemeral.Body, StringComparison.Ordinal);
        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);

        // A fresh token (still in ops) confirms the groups, and the same click counts.
        await SignInAsync(host, "carol", CarolEmail, verified: true, groups: ["ops"], now: time.GetUtcNow());
        await PostInteractionAsync(client, BlockAction("U-CAROL", SlackMessages.ApproveAction, id));
        Assert.Equal("approved", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
    }

    [Fact]
    public async Task The_initiator_mapped_by_email_cannot_approve_their_own_request_from_slack()
    {
        await using var slack = await StartAsync();
        await using var host = ServerHost.StartInMemory(Idp, s => Configure(s, slack));
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var client = host.CreateClient();
        await SignInAsync(host, "carol", CarolEmail, verified: true, groups: ["ops"]);
        _slackUsers["U-CAROL"] = SlackUser("U-CAROL", CarolEmail);

        // Carol asked the agent for this action; mapping her Slack account to her IdP identity must not let her approve it.
        var id = await Api.CreatePendingAsync(agent, Api.Body(kind: "infrastructure_mutation", initiator: Api.Party("carol", Idp.Issuer)));
        var response = await PostInteractionAsync(client, BlockAction("U-CAROL", SlackMessages.ApproveAction, id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ephemeral = await slack.WaitForAsync(r => r.Path == "/api/chat.postEphemeral");
        Assert.Contains("did not count", ephemeral.Body, StringComparison.Ordinal);
        Assert.Contains("Nothing changed", ephemeral.Body, StringComparison.Ordinal);
        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
        Assert.DoesNotContain(await host.Store.ReadAuditAsync(0, 1000), r => r.Type == AuditTypes.Decided);
    }

    [Theory]
    [InlineData("unverified")]
    [InlineData("unknown")]
    [InlineData("ambiguous")]
    [InlineData("stale")]
    public async Task An_email_that_maps_to_no_single_verified_recent_identity_gets_an_explanation_and_nothing_changes(string flaw)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var slack = await StartAsync();
        await using var host = ServerHost.StartInMemory(Idp, s =>
        {
            Configure(s, slack);
            s["ActionGuard:Notifications:Slack:MappedIdentityMaxAge"] = "00:01:00";
        }, time);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var client = host.CreateClient();
        _slackUsers["U-CAROL"] = SlackUser("U-CAROL", CarolEmail);
        switch (flaw)
        {
            case "unverified":
                await SignInAsync(host, "carol", CarolEmail, verified: false, now: time.GetUtcNow());
                break;
            case "unknown":
                await SignInAsync(host, "dave", "dave@example.com", verified: true, now: time.GetUtcNow());
                break;
            case "ambiguous":
                await SignInAsync(host, "carol", CarolEmail, verified: true, now: time.GetUtcNow());
                await SignInAsync(host, "carol-admin", CarolEmail.ToUpperInvariant(), verified: true, now: time.GetUtcNow());
                break;
            case "stale":
                await SignInAsync(host, "carol", CarolEmail, verified: true, now: time.GetUtcNow());
                time.Advance(TimeSpan.FromMinutes(2));
                break;
        }

        var id = await Api.CreatePendingAsync(agent);
        await PostInteractionAsync(client, BlockAction("U-CAROL", SlackMessages.ApproveAction, id));

        var ephemeral = await slack.WaitForAsync(r => r.Path == "/api/chat.postEphemeral");
        using var body = JsonDocument.Parse(ephemeral.Body);
        Assert.Equal("U-CAROL", body.RootElement.GetProperty("user").GetString());
        Assert.Equal(flaw == "ambiguous" ? SlackIdentityResolver.Ambiguous : SlackIdentityResolver.NotMapped, body.RootElement.GetProperty("text").GetString());
        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
        Assert.DoesNotContain(await host.Store.ReadAuditAsync(0, 1000), r => r.Type == AuditTypes.Decided);
    }

    [Theory]
    [InlineData("is_restricted")]
    [InlineData("is_ultra_restricted")]
    [InlineData("deleted")]
    [InlineData("is_bot")]
    [InlineData("is_stranger")]
    public async Task A_guest_bot_deactivated_or_external_slack_account_is_refused_even_with_a_known_email(string flag)
    {
        await using var slack = await StartAsync();
        await using var host = ServerHost.StartInMemory(Idp, s => Configure(s, slack));
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var client = host.CreateClient();
        await SignInAsync(host, "carol", CarolEmail, verified: true);
        var user = SlackUser("U-CAROL", CarolEmail);
        user[flag] = true;
        _slackUsers["U-CAROL"] = user;

        var id = await Api.CreatePendingAsync(agent);
        await PostInteractionAsync(client, BlockAction("U-CAROL", SlackMessages.DenyAction, id));

        var ephemeral = await slack.WaitForAsync(r => r.Path == "/api/chat.postEphemeral");
        Assert.Equal(SlackIdentityResolver.NotEligible, JsonDocument.Parse(ephemeral.Body).RootElement.GetProperty("text").GetString());
        Assert.DoesNotContain(slack.All(), r => r.Path == "/api/views.open");
        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
    }

    [Fact]
    public async Task A_guest_is_mapped_when_the_option_allows_guests()
    {
        await using var slack = await StartAsync();
        await using var host = ServerHost.StartInMemory(Idp, s =>
        {
            Configure(s, slack);
            s["ActionGuard:Notifications:Slack:MapGuestsByEmail"] = "true";
        });
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var client = host.CreateClient();
        await SignInAsync(host, "carol", CarolEmail, verified: true);
        var user = SlackUser("U-CAROL", CarolEmail);
        user["is_restricted"] = true;
        _slackUsers["U-CAROL"] = user;

        var id = await Api.CreatePendingAsync(agent);
        await PostInteractionAsync(client, BlockAction("U-CAROL", SlackMessages.ApproveAction, id));

        Assert.Equal("approved", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
    }

    [Fact]
    public async Task The_link_table_wins_over_email_mapping_and_slack_is_not_asked()
    {
        await using var slack = await StartAsync();
        await using var host = ServerHost.StartInMemory(Idp, s => Configure(s, slack));
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var client = host.CreateClient();
        await SignInAsync(host, "carol", CarolEmail, verified: true, groups: ["ops"]);
        _slackUsers["U-ALICE"] = SlackUser("U-ALICE", CarolEmail);

        var id = await Api.CreatePendingAsync(agent);
        await PostInteractionAsync(client, BlockAction("U-ALICE", SlackMessages.ApproveAction, id));

        var approval = await Api.GetAsync(agent, "v1/approvals/" + id);
        Assert.Equal("approved", approval.ApprovalStatus);
        Assert.Equal("alice", (string?)approval.Json["decisions"]![0]!["approver"]!["subject"]);
        await slack.WaitForAsync(r => r.Path == "/api/chat.postEphemeral");
        Assert.DoesNotContain(slack.All(), r => r.Path == "/api/users.info");
    }

    [Fact]
    public async Task Users_info_answers_are_cached_briefly_on_the_server_clock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var slack = await StartAsync();
        await using var host = ServerHost.StartInMemory(Idp, s =>
        {
            Configure(s, slack);
            s["ActionGuard:Notifications:Slack:UserInfoCacheDuration"] = "00:01:00";
        }, time);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var client = host.CreateClient();
        await SignInAsync(host, "carol", CarolEmail, verified: true, now: time.GetUtcNow());
        _slackUsers["U-CAROL"] = SlackUser("U-CAROL", CarolEmail);
        var first = await Api.CreatePendingAsync(agent);

        // Deny: the button (a lookup) opens the modal, the submission (from the cache) denies as Carol.
        await PostInteractionAsync(client, BlockAction("U-CAROL", SlackMessages.DenyAction, first));
        await slack.WaitForAsync(r => r.Path == "/api/views.open");
        var submitted = await PostInteractionAsync(client, DenySubmission("U-CAROL", first, "not this bucket"));
        Assert.Equal(string.Empty, await submitted.Content.ReadAsStringAsync());
        var denied = await Api.GetAsync(agent, "v1/approvals/" + first);
        Assert.Equal("denied", denied.ApprovalStatus);
        Assert.Equal("carol", (string?)denied.Json["decisions"]![0]!["approver"]!["subject"]);
        Assert.Equal(1, UsersInfoCalls(slack));

        time.Advance(TimeSpan.FromMinutes(2));
        var second = await Api.CreatePendingAsync(agent);
        await PostInteractionAsync(client, BlockAction("U-CAROL", SlackMessages.ApproveAction, second));

        Assert.Equal("approved", (await Api.GetAsync(agent, "v1/approvals/" + second)).ApprovalStatus);
        Assert.Equal(2, UsersInfoCalls(slack));
    }

    [Fact]
    public async Task A_failed_users_info_lookup_is_explained_changes_nothing_and_is_not_cached()
    {
        await using var slack = await StartAsync();
        await using var host = ServerHost.StartInMemory(Idp, s => Configure(s, slack));
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var client = host.CreateClient();
        await SignInAsync(host, "carol", CarolEmail, verified: true);
        var id = await Api.CreatePendingAsync(agent);

        // No entry for U-CAROL: the receiver answers users.info with ok:false, as Slack does for a missing scope.
        await PostInteractionAsync(client, BlockAction("U-CAROL", SlackMessages.ApproveAction, id));
        var ephemeral = await slack.WaitForAsync(r => r.Path == "/api/chat.postEphemeral");
        Assert.Equal(SlackIdentityResolver.LookupFailed, JsonDocument.Parse(ephemeral.Body).RootElement.GetProperty("text").GetString());
        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);

        _slackUsers["U-CAROL"] = SlackUser("U-CAROL", CarolEmail);
        await PostInteractionAsync(client, BlockAction("U-CAROL", SlackMessages.ApproveAction, id));
        Assert.Equal("approved", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
        Assert.Equal(2, UsersInfoCalls(slack));
    }

    [Fact]
    public async Task Without_the_option_an_unlinked_user_is_not_looked_up()
    {
        await using var slack = await StartAsync();
        await using var host = ServerHost.StartInMemory(Idp, s =>
        {
            Configure(s, slack);
            s["ActionGuard:Notifications:Slack:MapUsersByEmail"] = "false";
        });
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var client = host.CreateClient();
        await SignInAsync(host, "carol", CarolEmail, verified: true);
        _slackUsers["U-CAROL"] = SlackUser("U-CAROL", CarolEmail);

        var id = await Api.CreatePendingAsync(agent);
        await PostInteractionAsync(client, BlockAction("U-CAROL", SlackMessages.ApproveAction, id));

        var ephemeral = await slack.WaitForAsync(r => r.Path == "/api/chat.postEphemeral");
        Assert.Equal(SlackInteractions.NotLinked, JsonDocument.Parse(ephemeral.Body).RootElement.GetProperty("text").GetString());
        Assert.DoesNotContain(slack.All(), r => r.Path == "/api/users.info");
        Assert.Empty(await host.Store.FindIdentitiesByEmailAsync(CarolEmail));
        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
    }

    [Fact]
    public async Task Sign_ins_record_the_identity_cheaply_and_an_unverified_token_removes_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var slack = await StartAsync();
        await using var host = ServerHost.StartInMemory(Idp, s => Configure(s, slack), time);
        var t0 = time.GetUtcNow();

        await SignInAsync(host, "carol", CarolEmail, verified: true, groups: ["ops"], now: t0);
        var recorded = Assert.Single(await host.Store.FindIdentitiesByEmailAsync("CAROL@example.com"));
        Assert.Equal(("carol", Idp.Issuer, "Carol", CarolEmail), (recorded.Subject, recorded.Issuer, recorded.Name, recorded.Email));
        Assert.Equal(["ops"], recorded.Groups);
        Assert.Equal(t0.ToUnixTimeMilliseconds(), recorded.LastSeen.ToUnixTimeMilliseconds());

        // Unchanged and within the refresh interval: no write.
        time.Advance(TimeSpan.FromMinutes(1));
        await SignInAsync(host, "carol", CarolEmail, verified: true, groups: ["ops"], now: time.GetUtcNow());
        Assert.Equal(t0.ToUnixTimeMilliseconds(), Assert.Single(await host.Store.FindIdentitiesByEmailAsync(CarolEmail)).LastSeen.ToUnixTimeMilliseconds());

        // Changed groups: written at once.
        await SignInAsync(host, "carol", CarolEmail, verified: true, groups: ["ops", "security"], now: time.GetUtcNow());
        var changed = Assert.Single(await host.Store.FindIdentitiesByEmailAsync(CarolEmail));
        Assert.Equal(["ops", "security"], changed.Groups);
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), changed.LastSeen.ToUnixTimeMilliseconds());

        // Unchanged but older than the refresh interval: last seen moves.
        time.Advance(ApproverDirectory.RefreshInterval);
        await SignInAsync(host, "carol", CarolEmail, verified: true, groups: ["ops", "security"], now: time.GetUtcNow());
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), Assert.Single(await host.Store.FindIdentitiesByEmailAsync(CarolEmail)).LastSeen.ToUnixTimeMilliseconds());

        await SignInAsync(host, "carol", CarolEmail, verified: false, now: time.GetUtcNow());
        Assert.Empty(await host.Store.FindIdentitiesByEmailAsync(CarolEmail));
    }

    private async Task<LocalReceiver> StartAsync() => await StartSlackAsync(r =>
    {
        if (r.Path != "/api/users.info")
        {
            return null;
        }

        var id = Uri.UnescapeDataString(r.Body.StartsWith("user=", StringComparison.Ordinal) ? r.Body[5..] : string.Empty);
        return _slackUsers.TryGetValue(id, out var user)
            ? new JsonObject { ["ok"] = true, ["user"] = user.DeepClone() }.ToJsonString()
            : "{\"ok\":false,\"error\":\"missing_scope\"}";
    });

    private static JsonObject SlackUser(string id, string email) => new()
    {
        ["id"] = id,
        ["team_id"] = "T-TEAM",
        ["deleted"] = false,
        ["is_bot"] = false,
        ["is_restricted"] = false,
        ["is_ultra_restricted"] = false,
        ["profile"] = new JsonObject { ["email"] = email, ["real_name"] = "Someone" },
    };

    private static int UsersInfoCalls(LocalReceiver slack) => slack.All().Count(r => r.Path == "/api/users.info");

    // An authenticated approver request (the list endpoint) with a token carrying email and email_verified.
    private async Task SignInAsync(ServerHost host, string subject, string email, bool verified, string[]? groups = null, DateTimeOffset? now = null)
    {
        var token = Idp.IssueToken(
            subject,
            name: char.ToUpperInvariant(subject[0]) + subject[1..],
            groups: groups,
            now: now,
            lifetime: TimeSpan.FromHours(1),
            extraClaims: new Dictionary<string, object> { ["email"] = email, ["email_verified"] = verified });
        using var approver = host.CreateClient(token);
        var reply = await Api.GetAsync(approver, "v1/approvals");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }

    private void Configure(Dictionary<string, string?> s, LocalReceiver slack)
    {
        const string Prefix = "ActionGuard:Notifications:Slack:";
        s[Prefix + "BotToken"] = BotToken;
        s[Prefix + "Channel"] = "C-APPROVALS";
        s[Prefix + "ApiBaseUrl"] = new Uri(slack.BaseAddress, "api/").AbsoluteUri;
        s[Prefix + "SigningSecret"] = SigningSecret;
        s[Prefix + "MapUsersByEmail"] = "true";
        s[Prefix + "Users:0:SlackUserId"] = "U-ALICE";
        s[Prefix + "Users:0:Issuer"] = Idp.Issuer;
        s[Prefix + "Users:0:Subject"] = "alice";
        s[Prefix + "Users:0:Groups:0"] = "finance";
    }
}
