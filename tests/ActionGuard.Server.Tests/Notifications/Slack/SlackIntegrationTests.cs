using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActionGuard.Server.Audit;
using ActionGuard.Server.Notifications;
using ActionGuard.Server.Notifications.Slack;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static ActionGuard.Server.Tests.Notifications.Slack.SlackRequests;

namespace ActionGuard.Server.Tests.Notifications.Slack;

// Slack's Web API is a local receiver on 127.0.0.1; interactions are signed exactly as Slack signs them.
public sealed class SlackIntegrationTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private const string SigningSecret = SlackRequests.SigningSecret;
    private const string BotToken = SlackRequests.BotToken;

    private TestOidcIssuer Idp => fixture.Idp;

    [Fact]
    public async Task A_request_is_posted_with_the_bot_token_and_updated_in_place_with_the_decision()
    {
        await using var slack = await StartSlackAsync();
        await using var host = ServerHost.StartInMemory(Idp, s => Configure(s, slack));
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var alice = host.CreateClient(Idp.IssueToken("alice"));

        var id = await Api.CreatePendingAsync(agent);
        var post = await slack.WaitForAsync(r => r.Path == "/api/chat.postMessage");
        Assert.Equal("Bearer " + BotToken, post.Headers["Authorization"]);
        using (var body = JsonDocument.Parse(post.Body))
        {
            Assert.Equal("C-APPROVALS", body.RootElement.GetProperty("channel").GetString());
            Assert.Contains(body.RootElement.GetProperty("blocks").EnumerateArray(), b => b.GetProperty("type").GetString() == "actions" && b.GetRawText().Contains(id, StringComparison.Ordinal));
        }

        await Api.DecideAsync(alice, id, "deny", "too broad");

        var update = await slack.WaitForAsync(r => r.Path == "/api/chat.update");
        using var updated = JsonDocument.Parse(update.Body);
        Assert.Equal("C-POSTED", updated.RootElement.GetProperty("channel").GetString());
        Assert.Equal("1700000000.000100", updated.RootElement.GetProperty("ts").GetString());
        Assert.Contains("too broad", update.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(SlackMessages.ApproveAction, update.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_outcome_updates_the_message_posted_before_a_restart()
    {
        var folder = ServerHost.NewDataDirectory();
        await using var slack = await StartSlackAsync();
        try
        {
            string id;
            await using (var first = await ServerHost.StartKestrelAsync(Idp, s => Configure(s, slack), dataDirectory: folder))
            {
                var posted = new TaskCompletionSource<NotificationSettled>(TaskCreationOptions.RunContinuationsAsynchronously);
                first.Services.GetRequiredService<Notifier>().Settled += s => posted.TrySetResult(s);
                using var agent = first.CreateClient(ServerHost.AgentKey);
                id = await Api.CreatePendingAsync(agent);
                Assert.True((await posted.Task.WaitAsync(TimeSpan.FromSeconds(15))).Delivered);
            }

            await using var second = await ServerHost.StartKestrelAsync(Idp, s => Configure(s, slack), dataDirectory: folder);
            var outcome = new TaskCompletionSource<NotificationSettled>(TaskCreationOptions.RunContinuationsAsynchronously);
            second.Services.GetRequiredService<Notifier>().Settled += s => outcome.TrySetResult(s);
            using var alice = second.CreateClient(Idp.IssueToken("alice"));
            await Api.DecideAsync(alice, id, "deny", "not after the restart");

            var update = await slack.WaitForAsync(r => r.Path == "/api/chat.update");
            using var updated = JsonDocument.Parse(update.Body);
            Assert.Equal(("C-POSTED", "1700000000.000100"), (updated.RootElement.GetProperty("channel").GetString(), updated.RootElement.GetProperty("ts").GetString()));
            Assert.Contains("not after the restart", update.Body, StringComparison.Ordinal);
            Assert.Single(slack.All(), r => r.Path == "/api/chat.postMessage");
            Assert.True((await outcome.Task.WaitAsync(TimeSpan.FromSeconds(15))).Delivered);
            Assert.Null(await second.Store.GetMessageReferenceAsync(id, "slack"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task A_slack_error_reply_is_retried_and_dead_lettered()
    {
        await using var slack = await StartSlackAsync();
        slack.Reply = _ => Task.FromResult((200, "{\"ok\":false,\"error\":\"channel_not_found\"}"));
        await using var host = ServerHost.StartInMemory(Idp, s =>
        {
            Configure(s, slack);
            s["ActionGuard:Notifications:MaxAttempts"] = "2";
            s["ActionGuard:Notifications:RetryBaseDelay"] = "00:00:00";
        });
        var settled = new TaskCompletionSource<NotificationSettled>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Services.GetRequiredService<Notifier>().Settled += s => settled.TrySetResult(s);
        using var agent = host.CreateClient(ServerHost.AgentKey);

        var id = await Api.CreatePendingAsync(agent);
        var result = await settled.Task.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.False(result.Delivered);
        var failed = Assert.Single(await host.Store.ReadAuditAsync(0, 1000), r => r.Type == AuditTypes.NotificationFailed);
        Assert.Equal(id, failed.ApprovalId);
        Assert.Equal("Slack chat.postMessage: channel_not_found", failed.Data.GetProperty("error").GetString());
        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
    }

    [Fact]
    public async Task A_linked_approver_approves_from_slack_as_their_idp_identity()
    {
        await using var slack = await StartSlackAsync();
        await using var host = ServerHost.StartInMemory(Idp, s => Configure(s, slack));
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var client = host.CreateClient();
        var id = await Api.CreatePendingAsync(agent);

        var response = await PostInteractionAsync(client, BlockAction("U-ALICE", SlackMessages.ApproveAction, id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var approval = await Api.GetAsync(agent, "v1/approvals/" + id);
        Assert.Equal("approved", approval.ApprovalStatus);
        Assert.Equal("alice", (string?)approval.Json["decisions"]![0]!["approver"]!["subject"]);
        Assert.Equal(Idp.Issuer, (string?)approval.Json["decisions"]![0]!["approver"]!["issuer"]);
        var ephemeral = await slack.WaitForAsync(r => r.Path == "/api/chat.postEphemeral");
        Assert.Contains("now approved", ephemeral.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unlinked_slack_user_gets_an_ephemeral_explanation_and_nothing_changes()
    {
        await using var slack = await StartSlackAsync();
        await using var host = ServerHost.StartInMemory(Idp, s => Configure(s, slack));
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var client = host.CreateClient();
        var id = await Api.CreatePendingAsync(agent);

        var response = await PostInteractionAsync(client, BlockAction("U-STRANGER", SlackMessages.ApproveAction, id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ephemeral = await slack.WaitForAsync(r => r.Path == "/api/chat.postEphemeral");
        using var body = JsonDocument.Parse(ephemeral.Body);
        Assert.Equal("U-STRANGER", body.RootElement.GetProperty("user").GetString());
        Assert.Equal(SlackInteractions.NotLinked, body.RootElement.GetProperty("text").GetString());
        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
        Assert.DoesNotContain(await host.Store.ReadAuditAsync(0, 1000), r => r.Type == AuditTypes.Decided);
    }

    [Fact]
    public async Task A_linked_user_outside_the_approver_group_is_told_why_and_nothing_changes()
    {
        await using var slack = await StartSlackAsync();
        await using var host = ServerHost.StartInMemory(Idp, s => Configure(s, slack));
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var client = host.CreateClient();
        var id = await Api.CreatePendingAsync(agent, Api.Body(kind: "infrastructure_mutation"));

        await PostInteractionAsync(client, BlockAction("U-BOB", SlackMessages.ApproveAction, id));

        var ephemeral = await slack.WaitForAsync(r => r.Path == "/api/chat.postEphemeral");
        Assert.Contains("did not count", ephemeral.Body, StringComparison.Ordinal);
        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
    }

    [Fact]
    public async Task Deny_opens_a_reason_modal_and_counts_only_with_a_reason()
    {
        await using var slack = await StartSlackAsync();
        await using var host = ServerHost.StartInMemory(Idp, s => Configure(s, slack));
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var client = host.CreateClient();
        var id = await Api.CreatePendingAsync(agent);

        await PostInteractionAsync(client, BlockAction("U-ALICE", SlackMessages.DenyAction, id));
        var open = await slack.WaitForAsync(r => r.Path == "/api/views.open");
        using (var modal = JsonDocument.Parse(open.Body))
        {
            Assert.Equal("trigger-123", modal.RootElement.GetProperty("trigger_id").GetString());
            Assert.Equal(id, modal.RootElement.GetProperty("view").GetProperty("private_metadata").GetString());
        }

        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);

        var empty = await PostInteractionAsync(client, DenySubmission("U-ALICE", id, "  "));
        using (var errors = JsonDocument.Parse(await empty.Content.ReadAsStringAsync()))
        {
            Assert.Equal("errors", errors.RootElement.GetProperty("response_action").GetString());
            Assert.Equal("A reason is required to deny.", errors.RootElement.GetProperty("errors").GetProperty("reason").GetString());
        }

        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);

        var submitted = await PostInteractionAsync(client, DenySubmission("U-ALICE", id, "wrong bucket"));
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Equal(string.Empty, await submitted.Content.ReadAsStringAsync());
        var approval = await Api.GetAsync(agent, "v1/approvals/" + id);
        Assert.Equal("denied", approval.ApprovalStatus);
        Assert.Equal("wrong bucket", (string?)approval.Json["decisions"]![0]!["reason"]);
    }

    [Theory]
    [InlineData("bad-signature")]
    [InlineData("stale")]
    [InlineData("missing")]
    public async Task An_interaction_without_a_valid_fresh_signature_is_refused(string flaw)
    {
        await using var slack = await StartSlackAsync();
        await using var host = ServerHost.StartInMemory(Idp, s => Configure(s, slack));
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var client = host.CreateClient();
        var id = await Api.CreatePendingAsync(agent);
        var body = "payload=" + Uri.EscapeDataString(BlockAction("U-ALICE", SlackMessages.ApproveAction, id).ToJsonString());
        var timestamp = (flaw == "stale" ? DateTimeOffset.UtcNow.AddMinutes(-6) : DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, SlackInteractions.Path.TrimStart('/')) { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        if (flaw != "missing")
        {
            request.Headers.Add(SlackSignature.TimestampHeader, timestamp);
            request.Headers.Add(SlackSignature.SignatureHeader, SlackSignature.Sign(flaw == "bad-signature" ? "another-secret" : SigningSecret, timestamp, Encoding.UTF8.GetBytes(body)));
        }

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
    }

    private void Configure(Dictionary<string, string?> s, LocalReceiver slack)
    {
        const string Prefix = "ActionGuard:Notifications:Slack:";
        s[Prefix + "BotToken"] = BotToken;
        s[Prefix + "Channel"] = "C-APPROVALS";
        s[Prefix + "ApiBaseUrl"] = new Uri(slack.BaseAddress, "api/").AbsoluteUri;
        s[Prefix + "SigningSecret"] = SigningSecret;
        s[Prefix + "Users:0:SlackUserId"] = "U-ALICE";
        s[Prefix + "Users:0:Issuer"] = Idp.Issuer;
        s[Prefix + "Users:0:Subject"] = "alice";
        s[Prefix + "Users:0:Name"] = "Alice";
        s[Prefix + "Users:0:Groups:0"] = "finance";
        s[Prefix + "Users:1:SlackUserId"] = "U-BOB";
        s[Prefix + "Users:1:Issuer"] = Idp.Issuer;
        s[Prefix + "Users:1:Subject"] = "bob";
    }
}
