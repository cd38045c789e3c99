using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Audit;
using ActionGuard.Server.Store;
using ActionGuard.Server.Tests.Notifications;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Data.Sqlite;

namespace ActionGuard.Server.Tests.Store;

public sealed class OutboxStoreTests : IDisposable
{
    private readonly string _folder = ServerHost.NewDataDirectory();
    private readonly SqliteApprovalStore _store;

    public OutboxStoreTests()
    {
        _store = new SqliteApprovalStore(_folder);
    }

    [Fact]
    public async Task Outbox_messages_commit_with_the_create_and_a_replay_adds_none()
    {
        await _store.InitializeAsync();
        var record = Samples.Pending();

        var created = await _store.CreateAsync(record, [Entry(AuditTypes.Requested, record.Id)], [Message("evt_a", "webhook:0", record), Message("evt_a", "slack", record)]);
        var replay = await _store.CreateAsync(record with { Id = "apr_other" }, [Entry(AuditTypes.Requested, "apr_other")], [Message("evt_b", "webhook:0", record)]);

        Assert.True(created.Created);
        Assert.False(replay.Created);
        var pending = await _store.ListOutboxAsync(10);
        Assert.Equal(["webhook:0", "slack"], pending.Select(m => m.Channel));
        Assert.All(pending, m => Assert.Equal(("evt_a", 0, Samples.Created), (m.EventId, m.Attempts, m.DueAt)));
        Assert.True(pending[0].Seq < pending[1].Seq);
        Assert.Equal(record.Id, pending[0].Approval.Id);
        Assert.Equal(new Uri("https://approvals.example.com/review/" + record.Id), pending[0].ReviewUrl);
    }

    [Fact]
    public async Task Outbox_messages_of_a_transition_are_stored_only_when_it_changes_the_record()
    {
        await _store.InitializeAsync();
        var record = Samples.Pending();
        await _store.CreateAsync(record, [Entry(AuditTypes.Requested, record.Id)], []);

        await _store.UpdateAsync(record.Id, r => TransitionResult.Unchanged(r).WithOutbox([Message("evt_x", "slack", r)]));
        Assert.Empty(await _store.ListOutboxAsync(10));

        var denied = record with { Status = ApprovalStatus.Denied };
        await _store.UpdateAsync(record.Id, r => TransitionResult.Changed(denied, [Entry(AuditTypes.Denied, r.Id)]).WithOutbox([Message("evt_y", "slack", denied)]));
        var message = Assert.Single(await _store.ListOutboxAsync(10));
        Assert.Equal(("evt_y", ApprovalStatus.Denied), (message.EventId, message.Approval.Status));
    }

    [Fact]
    public async Task A_retry_moves_the_due_time_and_settling_writes_one_audit_record_once()
    {
        await _store.InitializeAsync();
        var record = Samples.Pending();
        await _store.CreateAsync(record, [], [Message("evt_a", "webhook:0", record)]);
        var seq = Assert.Single(await _store.ListOutboxAsync(10)).Seq;

        await _store.RetryOutboxAsync(seq, 1, Samples.Created.AddMinutes(1), "HTTP 500");
        var retried = Assert.Single(await _store.ListOutboxAsync(10));
        Assert.Equal((1, Samples.Created.AddMinutes(1)), (retried.Attempts, retried.DueAt));

        await _store.SettleOutboxAsync(seq, 2, delivered: true, Entry(AuditTypes.Notified, record.Id));
        await _store.SettleOutboxAsync(seq, 2, delivered: true, Entry(AuditTypes.Notified, record.Id));

        Assert.Empty(await _store.ListOutboxAsync(10));
        Assert.Single(await _store.ReadAuditAsync(0, 100), r => r.Type == AuditTypes.Notified);
        Assert.True((await new AuditVerifier(_store).VerifyAsync(CancellationToken.None)).Ok);
    }

    [Fact]
    public async Task Identities_are_found_by_email_in_any_case_replaced_by_subject_and_forgotten()
    {
        await _store.InitializeAsync();
        await _store.RecordIdentityAsync(new KnownIdentity("https://idp.example.com", "carol", "Carol", "Carol@Example.com", ["ops"], Samples.Created));
        await _store.RecordIdentityAsync(new KnownIdentity("https://idp.example.com", "carol", "Carol C.", "carol@example.com", ["ops", "security"], Samples.Created.AddMinutes(5)));
        await _store.RecordIdentityAsync(new KnownIdentity("https://idp.example.com", "dave", null, "dave@example.com", [], Samples.Created));

        var carol = Assert.Single(await _store.FindIdentitiesByEmailAsync(" CAROL@example.COM "));
        Assert.Equal(("carol", "Carol C.", Samples.Created.AddMinutes(5)), (carol.Subject, carol.Name, carol.LastSeen));
        Assert.Equal(["ops", "security"], carol.Groups);

        await _store.ForgetIdentityAsync("https://idp.example.com", "carol");
        Assert.Empty(await _store.FindIdentitiesByEmailAsync("carol@example.com"));
        Assert.Single(await _store.FindIdentitiesByEmailAsync("dave@example.com"));
    }

    public void Dispose()
    {
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static OutboxMessage Message(string eventId, string channel, ApprovalRecord record) =>
        new(eventId, "approval.requested", Samples.Created, channel, record, new Uri("https://approvals.example.com/review/" + record.Id));

    [Fact]
    public async Task The_audit_of_one_approval_is_read_in_log_order_without_the_records_of_others()
    {
        await _store.InitializeAsync();
        var first = Samples.Pending();
        var second = first with { Id = "apr_second", IdempotencyKey = "other-key" };
        await _store.CreateAsync(first, [Entry(AuditTypes.Requested, first.Id)], []);
        await _store.CreateAsync(second, [Entry(AuditTypes.Requested, second.Id)], []);
        await _store.UpdateAsync(first.Id, r => TransitionResult.Changed(r with { Status = ApprovalStatus.Denied }, [Entry(AuditTypes.Denied, r.Id)]));

        var trail = await _store.ReadAuditForApprovalAsync(first.Id);

        Assert.Equal([AuditTypes.Requested, AuditTypes.Denied], trail.Select(a => a.Type));
        Assert.All(trail, a => Assert.Equal(first.Id, a.ApprovalId));
        Assert.True(trail[0].Seq < trail[1].Seq);
        Assert.Empty(await _store.ReadAuditForApprovalAsync("apr_unknown"));
    }

    [Fact]
    public async Task Audit_times_never_go_backwards_along_the_chain_even_when_an_entry_was_stamped_earlier()
    {
        await _store.InitializeAsync();
        var later = new AuditEntry(AuditTypes.Notified, "apr_a", AuditData.System, Samples.Created.AddSeconds(1), AuditData.Build(_ => { }));
        var earlier = new AuditEntry(AuditTypes.Notified, "apr_b", AuditData.System, Samples.Created, AuditData.Build(_ => { }));
        var newest = new AuditEntry(AuditTypes.Notified, "apr_c", AuditData.System, Samples.Created.AddSeconds(2), AuditData.Build(_ => { }));

        await _store.AppendAuditAsync([later]);
        await _store.AppendAuditAsync([earlier, newest]);

        var log = await _store.ReadAuditAsync(0, 10);
        Assert.Equal(
            [AuditChain.FormatTime(later.At), AuditChain.FormatTime(later.At), AuditChain.FormatTime(newest.At)],
            log.Select(r => r.At));
        Assert.True((await new AuditVerifier(_store).VerifyAsync(CancellationToken.None)).Ok);
    }

    private static AuditEntry Entry(string type, string approvalId) =>
        new(type, approvalId, AuditData.System, Samples.Created, AuditData.Build(_ => { }));
}
