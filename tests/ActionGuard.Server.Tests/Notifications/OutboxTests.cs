using System.Threading.Channels;
using ActionGuard.Server.Audit;
using ActionGuard.Server.Notifications;
using ActionGuard.Server.Store;
using ActionGuard.Server.Store.Sqlite;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Server.Tests.Notifications;

// Deliveries live in the store's outbox: these tests stop a real host and start another on the same data folder.
public sealed class OutboxTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private const string Secret = "whsec-0123456789abcdef";

    private TestOidcIssuer Idp => fixture.Idp;

    [Fact]
    public async Task A_delivery_cut_off_by_a_stop_is_sent_by_the_next_host_on_the_same_data_folder()
    {
        var folder = ServerHost.NewDataDirectory();
        await using var receiver = await LocalReceiver.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Reply = async _ =>
        {
            await release.Task;
            return (200, "{}");
        };
        try
        {
            string id;
            string eventId;
            await using (var first = await ServerHost.StartKestrelAsync(Idp, s => Webhook(s, receiver), dataDirectory: folder))
            {
                using var agent = first.CreateClient(ServerHost.AgentKey);
                id = await Api.CreatePendingAsync(agent);
                eventId = (await receiver.NextAsync()).Headers["ActionGuard-Delivery"];
            }

            // The stop cancelled the send before any reply: still pending, and the cut-off try does not count.
            var pending = Assert.Single(await ReadOutboxAsync(folder));
            Assert.Equal((eventId, "webhook:0", 0), (pending.EventId, pending.Channel, pending.Attempts));
            receiver.Reply = _ => Task.FromResult((200, "{}"));
            release.TrySetResult();

            await using var second = await ServerHost.StartKestrelAsync(Idp, s => Webhook(s, receiver), dataDirectory: folder);
            var resent = await receiver.NextAsync();
            Assert.Equal(eventId, resent.Headers["ActionGuard-Delivery"]);
            Assert.Contains(id, resent.Body, StringComparison.Ordinal);
            var notified = await WaitForAuditAsync(second, AuditTypes.Notified);
            Assert.Equal(id, notified.ApprovalId);
            Assert.Equal(eventId, notified.Data.GetProperty("eventId").GetString());
            Assert.Equal(1, notified.Data.GetProperty("attempts").GetInt32());
            Assert.Empty(await second.Store.ListOutboxAsync(10));
        }
        finally
        {
            release.TrySetResult();
            DeleteFolder(folder);
        }
    }

    [Fact]
    public async Task Failed_tries_and_their_backoff_are_kept_across_a_restart()
    {
        var folder = ServerHost.NewDataDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await LocalReceiver.StartAsync();
        var calls = 0;
        receiver.Reply = _ => Task.FromResult((Interlocked.Increment(ref calls) == 1 ? 503 : 200, "{}"));
        void Settings(Dictionary<string, string?> s)
        {
            Webhook(s, receiver);
            s["ActionGuard:Notifications:RetryBaseDelay"] = "00:01:00";
        }

        try
        {
            await using (var first = await ServerHost.StartKestrelAsync(Idp, Settings, time, folder))
            {
                var failed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                first.Services.GetRequiredService<Notifier>().AttemptFailed += (_, _, attempt) => failed.TrySetResult(attempt);
                using var agent = first.CreateClient(ServerHost.AgentKey);
                await Api.CreatePendingAsync(agent);
                Assert.Equal(1, await failed.Task.WaitAsync(TimeSpan.FromSeconds(15)));
            }

            var waiting = Assert.Single(await ReadOutboxAsync(folder));
            Assert.Equal(1, waiting.Attempts);
            Assert.Equal(time.GetUtcNow().AddMinutes(1).ToUnixTimeMilliseconds(), waiting.DueAt.ToUnixTimeMilliseconds());

            await using var second = await ServerHost.StartKestrelAsync(Idp, Settings, time, folder);
            var settled = Observe(second);
            time.Advance(TimeSpan.FromMinutes(1));

            var result = await settled.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
            Assert.True(result.Delivered);
            Assert.Equal(2, result.Attempts);
            Assert.Equal(waiting.EventId, result.Notification.Id);
            Assert.Equal(2, receiver.Count);
        }
        finally
        {
            DeleteFolder(folder);
        }
    }

    [Fact]
    public async Task A_dead_letter_is_recorded_once_and_not_sent_again_after_a_restart()
    {
        var folder = ServerHost.NewDataDirectory();
        await using var receiver = await LocalReceiver.StartAsync();
        receiver.Reply = _ => Task.FromResult((500, "{}"));
        void Settings(Dictionary<string, string?> s)
        {
            Webhook(s, receiver);
            s["ActionGuard:Notifications:MaxAttempts"] = "2";
            s["ActionGuard:Notifications:RetryBaseDelay"] = "00:00:00";
        }

        try
        {
            string deadEvent;
            await using (var first = await ServerHost.StartKestrelAsync(Idp, Settings, dataDirectory: folder))
            {
                var settled = Observe(first);
                using var agent = first.CreateClient(ServerHost.AgentKey);
                await Api.CreatePendingAsync(agent);
                var dead = await settled.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
                Assert.False(dead.Delivered);
                Assert.Equal(2, dead.Attempts);
                deadEvent = dead.Notification.Id;
            }

            Assert.Empty(await ReadOutboxAsync(folder));
            receiver.Reply = _ => Task.FromResult((200, "{}"));
            await using var second = await ServerHost.StartKestrelAsync(Idp, Settings, dataDirectory: folder);
            var next = Observe(second);
            using (var agent = second.CreateClient(ServerHost.AgentKey))
            {
                await Api.CreatePendingAsync(agent);
            }

            // The outbox drains in order: had the dead letter been pending, it would have gone out before this one.
            Assert.True((await next.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15))).Delivered);
            Assert.Equal(2, receiver.All().Count(r => r.Headers["ActionGuard-Delivery"] == deadEvent));
            Assert.Single(await second.Store.ReadAuditAsync(0, 1000), r => r.Type == AuditTypes.NotificationFailed);
            Assert.True((await second.Services.GetRequiredService<AuditVerifier>().VerifyAsync(CancellationToken.None)).Ok);
        }
        finally
        {
            DeleteFolder(folder);
        }
    }

    [Fact]
    public async Task A_message_for_a_channel_no_longer_configured_is_dead_lettered_at_start()
    {
        var folder = ServerHost.NewDataDirectory();
        await using var receiver = await LocalReceiver.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Reply = async _ =>
        {
            await release.Task;
            return (200, "{}");
        };
        try
        {
            await using (var first = await ServerHost.StartKestrelAsync(Idp, s => Webhook(s, receiver), dataDirectory: folder))
            {
                using var agent = first.CreateClient(ServerHost.AgentKey);
                await Api.CreatePendingAsync(agent);
                await receiver.NextAsync();
            }

            release.TrySetResult();
            await using var second = await ServerHost.StartKestrelAsync(Idp, dataDirectory: folder);

            var failed = await WaitForAuditAsync(second, AuditTypes.NotificationFailed);
            Assert.Equal("channel not configured", failed.Data.GetProperty("error").GetString());
            Assert.Equal("webhook:0", failed.Data.GetProperty("channel").GetString());
            Assert.Equal(1, receiver.Count);
        }
        finally
        {
            release.TrySetResult();
            DeleteFolder(folder);
        }
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

    private static async Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(string folder)
    {
        using var store = new SqliteStore(folder);
        await store.InitializeAsync();
        return await store.ListOutboxAsync(100);
    }

    // The audit record is written after the receiver answered; poll the store for it (bounded).
    private static async Task<AuditRecord> WaitForAuditAsync(ServerHost host, string type)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            if ((await host.Store.ReadAuditAsync(0, 1000)).FirstOrDefault(r => r.Type == type) is { } record)
            {
                return record;
            }

            await Task.Delay(25, timeout.Token);
        }
    }

    private static void DeleteFolder(string folder)
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
