using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Audit;
using ActionGuard.Server.Store;
using ActionGuard.Server.Tests.Notifications;

namespace ActionGuard.Server.Tests.Store;

// The contract every store (IServerStore) keeps, run against each store (database stores add DatabaseStoreContractTests). "Peers" are two store instances on one database, as
// two server instances behind a load balancer are; a store that supports one instance only hands out itself.
public abstract class ApprovalStoreContractTests : IAsyncLifetime
{
    private const int Runs = 20;

    private readonly List<IServerStore> _opened = [];

    internal IServerStore Store { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        await PrepareAsync();
        Store = await OpenInitializedAsync();
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _opened.Distinct())
        {
            switch (store)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        await CleanUpAsync();
    }

    /// <summary>Creates the empty database of one test.</summary>
    protected abstract Task PrepareAsync();

    /// <summary>A new, uninitialized store on the test's database.</summary>
    private protected abstract IServerStore Open();

    /// <summary>A second instance on the same database, or the same instance when the store does not support two.</summary>
    private protected abstract IServerStore Peer();

    protected abstract Task CleanUpAsync();

    private protected async Task<IServerStore> OpenInitializedAsync()
    {
        var store = Track(Open());
        await store.InitializeAsync();
        return store;
    }

    private protected IServerStore Track(IServerStore store)
    {
        _opened.Add(store);
        return store;
    }

    [Fact]
    public async Task Create_stores_the_record_once_and_a_replay_of_the_idempotency_key_returns_the_first_without_writing()
    {
        var record = Samples.Pending();

        var created = await Store.CreateAsync(record, [Entry(AuditTypes.Requested, record.Id)], []);
        var replay = await Store.CreateAsync(record with { Id = "apr_replay", RequestHash = "sha256:other" }, [Entry(AuditTypes.Requested, "apr_replay")], []);
        var otherAgent = await Store.CreateAsync(record with { Id = "apr_other_agent", AgentId = "other-agent" }, [Entry(AuditTypes.Requested, "apr_other_agent")], []);

        Assert.True(created.Created);
        Assert.False(replay.Created);
        Assert.Equal((record.Id, record.RequestHash), (replay.Record.Id, replay.Record.RequestHash));
        Assert.True(otherAgent.Created);
        Assert.Null(await Store.GetAsync("apr_replay"));
        var stored = await Store.GetAsync(record.Id);
        Assert.Equal((record.Status, record.ExpiresAt, record.Justification), (stored!.Status, stored.ExpiresAt, stored.Justification));
        Assert.Equal(record.DataSamples!["email"], stored.DataSamples!["email"]);
        Assert.Equal(2, (await Store.ReadAuditAsync(0, 10)).Count);
    }

    [Fact]
    public async Task Racing_creates_with_one_idempotency_key_store_one_record()
    {
        var peer = Peer();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
        {
            var attempt = Samples.Pending() with { Id = "apr_attempt_" + i };
            return (i % 2 == 0 ? Store : peer).CreateAsync(attempt, [Entry(AuditTypes.Requested, attempt.Id)], []);
        }));

        var winner = Assert.Single(results, r => r.Created);
        Assert.All(results, r => Assert.Equal(winner.Record.Id, r.Record.Id));
        Assert.Single(await Store.ReadAuditAsync(0, 100));
    }

    [Fact]
    public async Task Concurrent_transitions_all_commit_and_one_that_throws_fails_alone_without_writing()
    {
        var ids = new List<string>();
        for (var i = 0; i < 24; i++)
        {
            ids.Add(await CreatePendingAsync(i));
        }

        // Started together so a store that commits concurrent writes as one transaction gets them in one batch.
        var updates = ids.Select((id, i) => Task.Run(() => Store.UpdateAsync(id, r => i == 7
            ? throw new InvalidOperationException("transition fault")
            : TransitionResult.Changed(r with { Status = ApprovalStatus.Denied }, [Entry(AuditTypes.Denied, r.Id)])))).ToList();

        var fault = await Assert.ThrowsAsync<InvalidOperationException>(() => updates[7]);
        Assert.Equal("transition fault", fault.Message);
        for (var i = 0; i < ids.Count; i++)
        {
            var expected = i == 7 ? ApprovalStatus.Pending : ApprovalStatus.Denied;
            if (i != 7)
            {
                Assert.Equal(ApprovalStatus.Denied, (await updates[i])!.Current.Status);
            }

            Assert.Equal(expected, (await Store.GetAsync(ids[i]))!.Status);
        }

        var audit = await Store.ReadAuditAsync(0, 100);
        Assert.Equal(ids.Count + ids.Count - 1, audit.Count);
        Assert.DoesNotContain(audit, r => r.Type == AuditTypes.Denied && r.ApprovalId == ids[7]);
        Assert.Equal(Enumerable.Range(1, audit.Count).Select(n => (long)n), audit.Select(r => r.Seq));
        Assert.True((await new AuditVerifier(Store).VerifyAsync(CancellationToken.None)).Ok);
    }

    [Fact]
    public async Task Unknown_approvals_read_as_null_and_their_transitions_do_not_run()
    {
        var ran = false;

        Assert.Null(await Store.GetAsync("apr_unknown"));
        Assert.Null(await Store.UpdateAsync("apr_unknown", r => { ran = true; return TransitionResult.Unchanged(r); }));
        Assert.False(ran);
    }

    [Fact]
    public async Task Racing_decisions_on_two_instances_have_one_winner_and_one_decision()
    {
        var peer = Peer();
        await Task.WhenAll(Enumerable.Range(0, Runs).Select(async i =>
        {
            var id = await CreatePendingAsync(i);
            var results = await Task.WhenAll(Store.UpdateAsync(id, r => Decide(r, "alice")), peer.UpdateAsync(id, r => Decide(r, "bob")));

            Assert.Single(results, r => r!.Updated is not null);
            var stored = await Store.GetAsync(id);
            Assert.Equal(ApprovalStatus.Approved, stored!.Status);
            Assert.Single(stored.Decisions);
        }));

        await AssertChainAsync(expectedRecords: Runs * 2);
    }

    [Fact]
    public async Task Racing_claims_have_one_winner()
    {
        var peer = Peer();
        await Task.WhenAll(Enumerable.Range(0, Runs).Select(async i =>
        {
            var id = await CreatePendingAsync(i);
            await Store.UpdateAsync(id, r => Decide(r, "alice"));
            var results = await Task.WhenAll(Store.UpdateAsync(id, Claim), peer.UpdateAsync(id, Claim), peer.UpdateAsync(id, Claim));

            Assert.Single(results, r => r!.Updated is not null);
            Assert.Equal(ApprovalStatus.Executing, (await peer.GetAsync(id))!.Status);
        }));

        await AssertChainAsync(expectedRecords: Runs * 3);
    }

    [Fact]
    public async Task A_decision_racing_expiry_leaves_one_consistent_outcome()
    {
        var peer = Peer();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, Runs).Select(async i =>
        {
            var id = await CreatePendingAsync(i);
            var results = await Task.WhenAll(Store.UpdateAsync(id, r => Decide(r, "alice")), peer.UpdateAsync(id, Expire));

            var winner = Assert.Single(results, r => r!.Updated is not null)!.Updated!;
            var stored = (await Store.GetAsync(id))!;
            Assert.Equal(winner.Status, stored.Status);
            Assert.Equal(stored.Status == ApprovalStatus.Approved ? 1 : 0, stored.Decisions.Count);
            return stored.Status;
        }));

        Assert.All(outcomes, s => Assert.Contains(s, new[] { ApprovalStatus.Approved, ApprovalStatus.Expired }));
        await AssertChainAsync(expectedRecords: Runs * 2);
    }

    [Fact]
    public async Task A_transition_that_changes_nothing_writes_nothing()
    {
        var id = await CreatePendingAsync(0);

        var result = await Store.UpdateAsync(id, r => TransitionResult.Unchanged(r).WithOutbox([Message("evt_x", "slack", r)]));

        Assert.Null(result!.Updated);
        Assert.Equal(ApprovalStatus.Pending, (await Store.GetAsync(id))!.Status);
        Assert.Empty(await Store.ListOutboxAsync(10));
        Assert.Single(await Store.ReadAuditAsync(0, 10));
    }

    [Fact]
    public async Task A_transition_that_throws_rolls_back_its_writes()
    {
        var id = await CreatePendingAsync(0);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.UpdateAsync(id, _ => throw new InvalidOperationException("policy fault")));

        Assert.Equal(ApprovalStatus.Pending, (await Store.GetAsync(id))!.Status);
        await Store.AppendAuditAsync([Entry(AuditTypes.Notified, id)]);
        await AssertChainAsync(expectedRecords: 2);
    }

    [Fact]
    public async Task Listing_pages_newest_first_filters_by_status_and_names_what_can_expire()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await CreatePendingAsync(i));
        }

        await Store.UpdateAsync(ids[1], r => Decide(r, "alice"));
        await Store.UpdateAsync(ids[2], r => TransitionResult.Changed(r with { Status = ApprovalStatus.Denied }, [Entry(AuditTypes.Denied, r.Id)]));

        var first = await Store.ListAsync(null, null, 2);
        var second = await Store.ListAsync(null, first.NextCursor, 2);
        var third = await Store.ListAsync(null, second.NextCursor, 2);
        var pending = await Store.ListAsync(ApprovalStatus.Pending, null, 10);
        var expirable = await Store.ListExpirableAsync();

        Assert.Equal([ids[4], ids[3]], first.Items.Select(a => a.Id));
        Assert.Equal([ids[2], ids[1]], second.Items.Select(a => a.Id));
        Assert.Equal([ids[0]], third.Items.Select(a => a.Id));
        Assert.Null(third.NextCursor);
        Assert.Equal([ids[4], ids[3], ids[0]], pending.Items.Select(a => a.Id));
        Assert.Equal(
            new[] { ids[0], ids[1], ids[3], ids[4] }.Order(StringComparer.Ordinal),
            expirable.Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.All(expirable, e => Assert.Equal(Samples.Created.AddMinutes(15), e.ExpiresAt));
    }

    [Fact]
    public async Task Audit_appended_from_two_instances_at_once_is_one_chain_that_verifies()
    {
        var peer = Peer();

        await Task.WhenAll(Enumerable.Range(0, Runs).Select(i =>
            (i % 2 == 0 ? Store : peer).AppendAuditAsync([Entry(AuditTypes.Notified, "apr_" + i), Entry(AuditTypes.NotificationFailed, "apr_" + i)])));

        var log = await AssertChainAsync(expectedRecords: Runs * 2);
        Assert.Equal(Enumerable.Range(1, Runs * 2).Select(i => (long)i), log.Select(r => r.Seq));
        var trail = await peer.ReadAuditForApprovalAsync("apr_3");
        Assert.Equal([AuditTypes.Notified, AuditTypes.NotificationFailed], trail.Select(r => r.Type));
        Assert.Equal(trail[0].Seq + 1, trail[1].Seq);
    }

    [Fact]
    public async Task Audit_times_never_go_backwards_along_the_chain_even_when_an_entry_was_stamped_earlier()
    {
        var later = new AuditEntry(AuditTypes.Notified, "apr_a", AuditData.System, Samples.Created.AddSeconds(1), AuditData.Build(_ => { }));
        var earlier = new AuditEntry(AuditTypes.Notified, "apr_b", AuditData.System, Samples.Created, AuditData.Build(_ => { }));
        var newest = new AuditEntry(AuditTypes.Notified, "apr_c", AuditData.System, Samples.Created.AddSeconds(2), AuditData.Build(_ => { }));

        await Store.AppendAuditAsync([later]);
        await Peer().AppendAuditAsync([earlier, newest]);

        var log = await Store.ReadAuditAsync(0, 10);
        Assert.Equal(
            [AuditChain.FormatTime(later.At), AuditChain.FormatTime(later.At), AuditChain.FormatTime(newest.At)],
            log.Select(r => r.At));
        Assert.True((await new AuditVerifier(Store).VerifyAsync(CancellationToken.None)).Ok);
    }

    [Fact]
    public async Task Outbox_messages_commit_with_the_create_and_a_replay_adds_none()
    {
        var record = Samples.Pending();

        var created = await Store.CreateAsync(record, [Entry(AuditTypes.Requested, record.Id)], [Message("evt_a", "webhook:0", record), Message("evt_a", "slack", record)]);
        var replay = await Store.CreateAsync(record with { Id = "apr_other" }, [Entry(AuditTypes.Requested, "apr_other")], [Message("evt_b", "webhook:0", record)]);

        Assert.True(created.Created);
        Assert.False(replay.Created);
        var pending = await Store.ListOutboxAsync(10);
        Assert.Equal(["webhook:0", "slack"], pending.Select(m => m.Channel));
        Assert.All(pending, m => Assert.Equal(("evt_a", 0, Samples.Created, Samples.Created), (m.EventId, m.Attempts, m.DueAt, m.At)));
        Assert.True(pending[0].Seq < pending[1].Seq);
        Assert.Equal(record.Id, pending[0].Approval.Id);
        Assert.Equal(new Uri("https://approvals.example.com/review/" + record.Id), pending[0].ReviewUrl);
    }

    [Fact]
    public async Task Outbox_messages_of_a_transition_are_stored_only_when_it_changes_the_record()
    {
        var record = Samples.Pending();
        await Store.CreateAsync(record, [Entry(AuditTypes.Requested, record.Id)], []);

        await Store.UpdateAsync(record.Id, r => TransitionResult.Unchanged(r).WithOutbox([Message("evt_x", "slack", r)]));
        Assert.Empty(await Store.ListOutboxAsync(10));

        var denied = record with { Status = ApprovalStatus.Denied };
        await Store.UpdateAsync(record.Id, r => TransitionResult.Changed(denied, [Entry(AuditTypes.Denied, r.Id)]).WithOutbox([Message("evt_y", "slack", denied)]));
        var message = Assert.Single(await Store.ListOutboxAsync(10));
        Assert.Equal(("evt_y", ApprovalStatus.Denied), (message.EventId, message.Approval.Status));
    }

    [Fact]
    public async Task A_retry_moves_the_due_time_and_settling_writes_one_audit_record_once()
    {
        var record = Samples.Pending();
        await Store.CreateAsync(record, [], [Message("evt_a", "webhook:0", record)]);
        var seq = Assert.Single(await Store.ListOutboxAsync(10)).Seq;

        await Store.RetryOutboxAsync(seq, 1, Samples.Created.AddMinutes(1), "HTTP 500");
        var retried = Assert.Single(await Store.ListOutboxAsync(10));
        Assert.Equal((1, Samples.Created.AddMinutes(1)), (retried.Attempts, retried.DueAt));

        await Store.SettleOutboxAsync(seq, 2, delivered: true, Entry(AuditTypes.Notified, record.Id));
        await Peer().SettleOutboxAsync(seq, 2, delivered: true, Entry(AuditTypes.Notified, record.Id));

        Assert.Empty(await Store.ListOutboxAsync(10));
        Assert.Single(await Store.ReadAuditAsync(0, 100), r => r.Type == AuditTypes.Notified);
        Assert.True((await new AuditVerifier(Store).VerifyAsync(CancellationToken.None)).Ok);
    }

    [Fact]
    public async Task Reminders_enqueued_without_a_change_are_listed_after_the_messages_before_them()
    {
        var record = Samples.Pending();
        await Store.CreateAsync(record, [], [Message("evt_a", "slack", record)]);

        await Store.EnqueueAsync([Message("evt_r", "slack", record) with { Type = "approval.reminder" }]);

        Assert.Equal(["evt_a", "evt_r"], (await Store.ListOutboxAsync(10)).Select(m => m.EventId));
    }

    [Fact]
    public async Task Identities_are_found_by_email_in_any_case_replaced_by_subject_and_forgotten()
    {
        await Store.RecordIdentityAsync(new KnownIdentity("https://idp.example.com", "carol", "Carol", "Carol@Example.com", ["ops"], Samples.Created));
        await Store.RecordIdentityAsync(new KnownIdentity("https://idp.example.com", "carol", "Carol C.", "carol@example.com", ["ops", "security"], Samples.Created.AddMinutes(5)));
        await Store.RecordIdentityAsync(new KnownIdentity("https://idp.example.com", "dave", null, "dave@example.com", [], Samples.Created));
        await Store.RecordIdentityAsync(new KnownIdentity("https://other.example.com", "carol2", null, "CAROL@example.com", [], Samples.Created));

        var carols = await Store.FindIdentitiesByEmailAsync(" CAROL@example.COM ");
        Assert.Equal(["carol", "carol2"], carols.Select(c => c.Subject));
        var carol = carols[0];
        Assert.Equal(("carol", "Carol C.", Samples.Created.AddMinutes(5)), (carol.Subject, carol.Name, carol.LastSeen));
        Assert.Equal(["ops", "security"], carol.Groups);
        Assert.Null(Assert.Single(await Store.FindIdentitiesByEmailAsync("dave@example.com")).Name);

        await Store.ForgetIdentityAsync("https://idp.example.com", "carol");
        Assert.Equal(["carol2"], (await Store.FindIdentitiesByEmailAsync("carol@example.com")).Select(c => c.Subject));
    }

    [Fact]
    public async Task Message_references_are_kept_per_approval_and_channel_replaced_and_removed()
    {
        await Store.SetMessageReferenceAsync("apr_a", "slack", "C1|1.0");
        await Store.SetMessageReferenceAsync("apr_a", "slack", "C1|2.0");
        await Store.SetMessageReferenceAsync("apr_a", "teams", "t-1");

        Assert.Equal("C1|2.0", await Peer().GetMessageReferenceAsync("apr_a", "slack"));
        Assert.Equal("t-1", await Store.GetMessageReferenceAsync("apr_a", "teams"));
        Assert.Null(await Store.GetMessageReferenceAsync("apr_b", "slack"));

        await Store.SetMessageReferenceAsync("apr_a", "slack", null);
        Assert.Null(await Store.GetMessageReferenceAsync("apr_a", "slack"));
        Assert.Equal("t-1", await Store.GetMessageReferenceAsync("apr_a", "teams"));
    }

    [Fact]
    public async Task A_new_signing_key_retires_the_current_one_at_its_creation_time()
    {
        await Store.AddSigningKeyAsync(new StoredSigningKey("ag-1", Samples.Created, null, "AAAA"));
        await Store.AddSigningKeyAsync(new StoredSigningKey("ag-2", Samples.Created.AddDays(30), null, "BBBB"));

        var keys = await Peer().GetSigningKeysAsync();

        Assert.Equal(["ag-1", "ag-2"], keys.Select(k => k.KeyId));
        Assert.Equal((Samples.Created, Samples.Created.AddDays(30), "AAAA"), (keys[0].CreatedAt, keys[0].RetiredAt!.Value, keys[0].PrivateKeyPkcs8));
        Assert.Null(keys[1].RetiredAt);
    }

    private protected static AuditEntry Entry(string type, string approvalId) =>
        new(type, approvalId, AuditData.System, Samples.Created, AuditData.Build(_ => { }));

    private protected static OutboxMessage Message(string eventId, string channel, ApprovalRecord record) =>
        new(eventId, "approval.requested", Samples.Created, channel, record, new Uri("https://approvals.example.com/review/" + record.Id));

    private async Task<string> CreatePendingAsync(int i)
    {
        var record = Samples.Pending() with { Id = "apr_" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture), IdempotencyKey = "key-" + i };
        Assert.True((await Store.CreateAsync(record, [Entry(AuditTypes.Requested, record.Id)], [])).Created);
        return record.Id;
    }

    private async Task<IReadOnlyList<AuditRecord>> AssertChainAsync(int expectedRecords)
    {
        var (ok, records, firstBroken) = await new AuditVerifier(Store).VerifyAsync(CancellationToken.None);
        Assert.True(ok, "the chain breaks at " + firstBroken);
        Assert.Equal(expectedRecords, records);
        return await Store.ReadAuditAsync(0, expectedRecords + 10);
    }

    private static TransitionResult Decide(ApprovalRecord record, string approver) =>
        record.Status != ApprovalStatus.Pending
            ? TransitionResult.Unchanged(record)
            : TransitionResult.Changed(
                record with
                {
                    Status = ApprovalStatus.Approved,
                    Decisions = [new ApprovalDecision { Approver = new ApprovalParty { Subject = approver }, Verdict = ApprovalVerdict.Approve, At = Samples.Created.AddMinutes(1) }],
                },
                [Entry(AuditTypes.Decided, record.Id)]);

    private static TransitionResult Claim(ApprovalRecord record) =>
        record.Status != ApprovalStatus.Approved
            ? TransitionResult.Unchanged(record)
            : TransitionResult.Changed(record with { Status = ApprovalStatus.Executing }, [Entry(AuditTypes.Claimed, record.Id)]);

    private static TransitionResult Expire(ApprovalRecord record) =>
        record.Status != ApprovalStatus.Pending
            ? TransitionResult.Unchanged(record)
            : TransitionResult.Changed(record with { Status = ApprovalStatus.Expired }, [Entry(AuditTypes.Expired, record.Id)]);
}
