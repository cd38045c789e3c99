using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Audit;
using ActionGuard.Server.Store;
using ActionGuard.Server.Store.Postgres;
using ActionGuard.Server.Tests.Notifications;
using ActionGuard.Server.Tests.TestSupport;
using Npgsql;

namespace ActionGuard.Server.Tests.Store.Postgres;

// What only the PostgreSQL store has: several instances starting and draining the outbox on one database.
[Collection(PostgresServer.Collection)]
public sealed class PostgresStoreTests(PostgresServer server)
{
    [Fact]
    public async Task Instances_starting_at_once_on_an_empty_database_migrate_it_once()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var stores = Enumerable.Range(0, 4).Select(_ => new PostgresStore(connectionString)).ToList();
        try
        {
            await Task.WhenAll(stores.Select(s => s.InitializeAsync()));

            Assert.Equal((long)PostgresSchema.Migrations.Count, await ScalarAsync<long>(connectionString, "SELECT COUNT(*) FROM schema_version;"));
            Assert.All(await Task.WhenAll(stores.Select(s => s.PingAsync())), Assert.True);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_database_that_is_not_there_fails_the_ping_without_throwing()
    {
        await using var store = new PostgresStore(server.ConnectionString("ag_missing_database"));

        Assert.False(await store.PingAsync());
    }

    [Fact]
    public async Task The_description_names_host_port_and_database_but_never_the_password()
    {
        var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString("approvals")) { Password = "s3cret-pw" };
        await using var store = new PostgresStore(builder.ConnectionString);

        Assert.Contains("approvals", store.Description, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:" + server.Port, store.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", store.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Instances_listing_the_outbox_at_once_are_each_given_different_messages()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using var first = new PostgresStore(connectionString);
        await using var second = new PostgresStore(connectionString);
        await first.InitializeAsync();
        for (var i = 0; i < 20; i++)
        {
            var record = Samples.Pending() with { Id = "apr_" + i, IdempotencyKey = "key-" + i };
            await first.CreateAsync(record, [], [Message("evt_" + i, "slack", record), Message("evt_" + i, "webhook:0", record)]);
        }

        var lists = await Task.WhenAll(first.ListOutboxAsync(25), second.ListOutboxAsync(25), first.ListOutboxAsync(25), second.ListOutboxAsync(25));

        var firstSeqs = lists[0].Concat(lists[2]).Select(m => m.Seq).ToHashSet();
        var secondSeqs = lists[1].Concat(lists[3]).Select(m => m.Seq).ToHashSet();
        Assert.Empty(firstSeqs.Intersect(secondSeqs));
        Assert.Equal(40, firstSeqs.Union(secondSeqs).Count());
    }

    [Fact]
    public async Task A_later_message_of_an_approval_and_channel_waits_with_the_instance_that_holds_the_earlier_one()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using var first = new PostgresStore(connectionString);
        await using var second = new PostgresStore(connectionString);
        await first.InitializeAsync();
        var record = Samples.Pending();
        await first.CreateAsync(record, [], [Message("evt_1", "slack", record)]);
        var held = Assert.Single(await first.ListOutboxAsync(10));

        await second.EnqueueAsync([Message("evt_2", "slack", record), Message("evt_2", "teams", record)]);

        Assert.Equal(["evt_2:teams"], (await second.ListOutboxAsync(10)).Select(Name));
        Assert.Equal(["evt_1:slack", "evt_2:slack"], (await first.ListOutboxAsync(10)).Select(Name));
        await first.SettleOutboxAsync(held.Seq, 1, delivered: true, Entry(AuditTypes.Notified, record.Id));
        Assert.Equal(["evt_2:teams"], (await second.ListOutboxAsync(10)).Select(Name));
        Assert.Equal(["evt_2:slack"], (await first.ListOutboxAsync(10)).Select(Name));

        static string Name(OutboxMessage m) => m.EventId + ":" + m.Channel;
    }

    [Fact]
    public async Task An_instance_that_stops_draining_loses_its_lease_and_another_takes_the_message_over()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using var crashed = new PostgresStore(connectionString, TimeSpan.FromMilliseconds(300));
        await using var survivor = new PostgresStore(connectionString, TimeSpan.FromMilliseconds(300));
        await crashed.InitializeAsync();
        var record = Samples.Pending();
        await crashed.CreateAsync(record, [], [Message("evt_1", "slack", record)]);
        var held = Assert.Single(await crashed.ListOutboxAsync(10));
        Assert.Empty(await survivor.ListOutboxAsync(10));

        await Task.Delay(600);

        Assert.Equal(held.Seq, Assert.Single(await survivor.ListOutboxAsync(10)).Seq);
        Assert.Empty(await crashed.ListOutboxAsync(10));
    }

    [Fact]
    public async Task Approval_records_are_stored_as_jsonb_that_operators_can_query()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using var store = new PostgresStore(connectionString);
        await store.InitializeAsync();
        var record = Samples.Pending();
        await store.CreateAsync(record, [], []);

        Assert.Equal("Exporter.Export", await ScalarAsync<string>(connectionString, "SELECT data -> 'action' ->> 'name' FROM approvals;"));
        Assert.Equal(record.ExpiresAt, await ScalarAsync<DateTimeOffset>(connectionString, "SELECT expires_at FROM approvals;"));
    }

    [Fact]
    public async Task Instances_starting_together_on_an_empty_database_keep_one_signing_key()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var stores = Enumerable.Range(0, 3).Select(_ => new PostgresStore(connectionString)).ToList();
        try
        {
            await stores[0].InitializeAsync();
            await Task.WhenAll(stores.Select((s, i) => s.AddSigningKeyAsync(new StoredSigningKey("ag-" + i, Samples.Created.AddSeconds(i), null, "KEY" + i))));

            var keys = await stores[2].GetSigningKeysAsync();
            Assert.Null(Assert.Single(keys).RetiredAt);

            // A rotation later than that is a rotation: the new key replaces the old one.
            await stores[1].AddSigningKeyAsync(new StoredSigningKey("ag-next", Samples.Created.AddDays(30), null, "NEXT"));
            Assert.Equal([keys[0].KeyId, "ag-next"], (await stores[0].GetSigningKeysAsync()).Select(k => k.KeyId));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_batch_that_loses_a_deadlock_to_another_instance_runs_again_and_every_write_in_it_commits()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using var store = new PostgresStore(connectionString);
        await store.InitializeAsync();
        foreach (var id in new[] { "apr_a", "apr_b" })
        {
            await store.CreateAsync(Samples.Pending() with { Id = id, IdempotencyKey = "key-" + id }, [], []);
        }

        // Another instance's transaction holds A. Its deadlock check waits 30 s, the store's the default 1 s, so the store's
        // batch is the one PostgreSQL rolls back when the two cross.
        await using var other = new NpgsqlConnection(connectionString);
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await ExecuteAsync(other, transaction, "SET LOCAL deadlock_timeout = '30s';");
        await ExecuteAsync(other, transaction, "SELECT 1 FROM approvals WHERE id = 'apr_a' FOR UPDATE;");

        // One batch: B is locked, then the store waits for A.
        var updates = store.UpdateManyAsync([("apr_b", Deny), ("apr_a", Deny)]);
        await WaitForLockWaitAsync(connectionString, other.ProcessID);

        // The other instance now asks for B: a deadlock, which the store's batch loses.
        await ExecuteAsync(other, transaction, "SELECT 1 FROM approvals WHERE id = 'apr_b' FOR UPDATE;");
        await transaction.CommitAsync();

        var results = await Task.WhenAll(updates).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(results, r => Assert.Equal(ApprovalStatus.Denied, r!.Current.Status));
        Assert.Equal(ApprovalStatus.Denied, (await store.GetAsync("apr_a"))!.Status);
        Assert.Equal(ApprovalStatus.Denied, (await store.GetAsync("apr_b"))!.Status);
        var audit = await store.ReadAuditAsync(0, 10);
        Assert.Equal(["apr_b", "apr_a"], audit.Select(r => r.ApprovalId));
        Assert.True((await new AuditVerifier(store).VerifyAsync(CancellationToken.None)).Ok);
    }

    [Fact]
    public void Only_deadlocks_and_serialization_failures_count_as_conflicts_worth_running_a_batch_again()
    {
        Assert.True(PostgresStore.IsConflict(new PostgresException("deadlock", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected)));
        Assert.True(PostgresStore.IsConflict(new PostgresException("serialization", "ERROR", "ERROR", PostgresErrorCodes.SerializationFailure)));
        Assert.False(PostgresStore.IsConflict(new PostgresException("unique", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)));
        Assert.False(PostgresStore.IsConflict(new InvalidOperationException("transition fault")));
    }

    private static TransitionResult Deny(ApprovalRecord record) =>
        TransitionResult.Changed(record with { Status = ApprovalStatus.Denied }, [Entry(AuditTypes.Denied, record.Id)]);

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }

    // Until a session other than the given one waits for a row lock.
    private static async Task WaitForLockWaitAsync(string connectionString, int except)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (await ScalarAsync<long>(connectionString, $"SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> {except};") == 0)
        {
            Assert.True(DateTime.UtcNow < until, "The store's batch never waited for the locked row.");
            await Task.Delay(20);
        }
    }

    private static OutboxMessage Message(string eventId, string channel, ApprovalRecord record) =>
        new(eventId, "approval.requested", Samples.Created, channel, record, null);

    private static AuditEntry Entry(string type, string approvalId) =>
        new(type, approvalId, AuditData.System, Samples.Created, AuditData.Build(_ => { }));

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return reader.GetFieldValue<T>(0);
    }
}
