using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using ActionGuard.Server.Audit;
using ActionGuard.Server.Notifications;
using ActionGuard.Server.Notifications.Webhooks;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Tests.Notifications;

public sealed class NotifierPipelineTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private const string Secret = "whsec-0123456789abcdef";

    private TestOidcIssuer Idp => fixture.Idp;

    [Fact]
    public async Task A_new_request_is_posted_signed_to_the_subscriber_and_recorded_as_notified()
    {
        await using var receiver = await LocalReceiver.StartAsync();
        await using var host = ServerHost.StartInMemory(Idp, s => Webhook(s, receiver));
        var settled = Observe(host);
        using var agent = host.CreateClient(ServerHost.AgentKey);

        var id = await Api.CreatePendingAsync(agent);

        var request = await receiver.NextAsync();
        var timestamp = long.Parse(request.Headers["ActionGuard-Timestamp"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(WebhookSignature.Sign(Secret, timestamp, Encoding.UTF8.GetBytes(request.Body)), request.Headers["ActionGuard-Signature"]);
        Assert.Equal("approval.requested", request.Headers["ActionGuard-Event"]);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("approval.requested", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(id, body.RootElement.GetProperty("approval").GetProperty("id").GetString());
        Assert.Equal(request.Headers["ActionGuard-Delivery"], body.RootElement.GetProperty("id").GetString());

        var result = await settled.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(result.Delivered);
        var record = Assert.Single(await AuditOfTypeAsync(host, AuditTypes.Notified));
        Assert.Equal(id, record.ApprovalId);
        Assert.Equal("system", record.Actor);
        Assert.Equal("webhook:0", record.Data.GetProperty("channel").GetString());
        Assert.Equal(1, record.Data.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task The_decision_is_sent_as_the_final_outcome()
    {
        await using var receiver = await LocalReceiver.StartAsync();
        await using var host = ServerHost.StartInMemory(Idp, s => Webhook(s, receiver));
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var alice = host.CreateClient(Idp.IssueToken("alice"));
        var id = await Api.CreatePendingAsync(agent);
        Assert.Equal("approval.requested", (await receiver.NextAsync()).Headers["ActionGuard-Event"]);

        await Api.DecideAsync(alice, id, "deny", "not now");

        var outcome = await receiver.NextAsync();
        Assert.Equal("approval.denied", outcome.Headers["ActionGuard-Event"]);
        using var body = JsonDocument.Parse(outcome.Body);
        var decision = body.RootElement.GetProperty("approval").GetProperty("decisions")[0];
        Assert.Equal("alice", decision.GetProperty("approver").GetProperty("sub").GetString());
        Assert.Equal("not now", decision.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_is_dead_lettered_and_the_request_is_unaffected()
    {
        await using var receiver = await LocalReceiver.StartAsync();
        receiver.Reply = _ => Task.FromResult((500, "{}"));
        await using var host = ServerHost.StartInMemory(Idp, s =>
        {
            Webhook(s, receiver);
            s["ActionGuard:Notifications:MaxAttempts"] = "3";
            s["ActionGuard:Notifications:RetryBaseDelay"] = "00:00:00";
        });
        var settled = Observe(host);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var alice = host.CreateClient(Idp.IssueToken("alice"));

        var id = await Api.CreatePendingAsync(agent);
        var result = await settled.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));

        Assert.False(result.Delivered);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(3, receiver.Count);
        var failed = Assert.Single(await AuditOfTypeAsync(host, AuditTypes.NotificationFailed));
        Assert.Equal(id, failed.ApprovalId);
        Assert.Equal("HTTP 500", failed.Data.GetProperty("error").GetString());
        Assert.Equal("approval.requested", failed.Data.GetProperty("event").GetString());
        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
        Assert.Equal("approved", (await Api.DecideAsync(alice, id)).ApprovalStatus);
        Assert.True((await host.Services.GetRequiredService<AuditVerifier>().VerifyAsync(CancellationToken.None)).Ok);
    }

    [Fact]
    public async Task A_retry_waits_for_its_backoff_on_the_server_clock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await LocalReceiver.StartAsync();
        var calls = 0;
        receiver.Reply = _ => Task.FromResult((Interlocked.Increment(ref calls) == 1 ? 503 : 200, "{}"));
        await using var host = ServerHost.StartInMemory(Idp, s =>
        {
            Webhook(s, receiver);
            s["ActionGuard:Notifications:RetryBaseDelay"] = "00:01:00";
        }, time);
        var notifier = host.Services.GetRequiredService<Notifier>();
        var failedOnce = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        notifier.AttemptFailed += (_, _, attempt) => failedOnce.TrySetResult(attempt);
        var settled = Observe(host);
        using var agent = host.CreateClient(ServerHost.AgentKey);

        await Api.CreatePendingAsync(agent);
        Assert.Equal(1, await failedOnce.Task.WaitAsync(TimeSpan.FromSeconds(15)));

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(1, receiver.Count);
        Assert.False(settled.Reader.TryRead(out _));

        time.Advance(TimeSpan.FromSeconds(1));
        var result = await settled.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(result.Delivered);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, receiver.Count);
    }

    [Fact]
    public async Task A_receiver_that_never_answers_does_not_hold_up_requests_or_decisions()
    {
        await using var receiver = await LocalReceiver.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Reply = async _ =>
        {
            await release.Task;
            return (200, "{}");
        };
        await using var host = ServerHost.StartInMemory(Idp, s => Webhook(s, receiver));
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var alice = host.CreateClient(Idp.IssueToken("alice"));
        try
        {
            var id = await Api.CreatePendingAsync(agent);
            await receiver.NextAsync();

            Assert.Equal("approved", (await Api.DecideAsync(alice, id)).ApprovalStatus);
            Assert.Equal(1, receiver.Count);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task A_reminder_is_sent_before_a_pending_request_expires_and_not_after_a_decision()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await LocalReceiver.StartAsync();
        await using var host = ServerHost.StartInMemory(Idp, s => Webhook(s, receiver), time);
        var notifier = host.Services.GetRequiredService<Notifier>();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var alice = host.CreateClient(Idp.IssueToken("alice", now: time.GetUtcNow(), lifetime: TimeSpan.FromHours(1)));

        // Default TTL 15 minutes, reminder 5 minutes before.
        var first = await Api.CreatePendingAsync(agent);
        var second = await Api.CreatePendingAsync(agent);
        await receiver.NextAsync();
        await receiver.NextAsync();
        Assert.Equal(2, notifier.PendingReminders);
        await Api.DecideAsync(alice, second);
        Assert.Equal("approval.approved", (await receiver.NextAsync()).Headers["ActionGuard-Event"]);
        Assert.Equal(1, notifier.PendingReminders);

        time.Advance(TimeSpan.FromMinutes(10));

        // The approved one was never claimed: its claim window (5 minutes) closes first, and it gets no reminder.
        var expired = await receiver.NextAsync();
        Assert.Equal("approval.expired", expired.Headers["ActionGuard-Event"]);
        Assert.Contains(second, expired.Body, StringComparison.Ordinal);
        var reminder = await receiver.NextAsync();
        Assert.Equal("approval.reminder", reminder.Headers["ActionGuard-Event"]);
        using var body = JsonDocument.Parse(reminder.Body);
        Assert.Equal(first, body.RootElement.GetProperty("approval").GetProperty("id").GetString());
        Assert.Equal(0, notifier.PendingReminders);
    }

    [Theory]
    [InlineData("ActionGuard:Notifications:Webhooks:0:Url", "ftp://example.com/hook", "ActionGuard:Notifications:Webhooks:0:Url")]
    [InlineData("ActionGuard:Notifications:Webhooks:0:Secret", "short", "ActionGuard:Notifications:Webhooks:0:Secret")]
    [InlineData("ActionGuard:Notifications:MaxAttempts", "0", "ActionGuard:Notifications:MaxAttempts")]
    public async Task A_wrong_notification_setting_stops_the_start_and_names_the_key(string key, string value, string named)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ServerHost.StartKestrelAsync(Idp, s =>
        {
            s["ActionGuard:Notifications:Webhooks:0:Url"] = "https://hooks.example.com/actionguard";
            s["ActionGuard:Notifications:Webhooks:0:Secret"] = Secret;
            s[key] = value;
        }));

        Assert.Contains(error.Failures, f => f.StartsWith(named, StringComparison.Ordinal));
    }

    private static void Webhook(Dictionary<string, string?> settings, LocalReceiver receiver)
    {
        settings["ActionGuard:Notifications:Webhooks:0:Url"] = new Uri(receiver.BaseAddress, "hooks/actionguard").AbsoluteUri;
        settings["ActionGuard:Notifications:Webhooks:0:Secret"] = Secret;
    }

    private static Channel<NotificationSettled> Observe(ServerHost host)
    {
        var settled = Channel.CreateUnbounded<NotificationSettled>();
        host.Services.GetRequiredService<Notifier>().Settled += s => settled.Writer.TryWrite(s);
        return settled;
    }

    private static async Task<List<AuditRecord>> AuditOfTypeAsync(ServerHost host, string type) =>
        (await host.Store.ReadAuditAsync(0, 1000)).Where(r => r.Type == type).ToList();
}
