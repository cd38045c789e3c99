using ActionGuard.Client;
using ActionGuard.Server.Audit;
using ActionGuard.Server.Store;
using ActionGuard.Server.Store.Sqlite;
using ActionGuard.Server.Tests.Notifications;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Data.Sqlite;

namespace ActionGuard.Server.Tests.Store.Sqlite;

public sealed class SchemaMigrationTests
{
    [Fact]
    public async Task A_version_1_database_is_migrated_forward_and_keeps_its_approvals_and_audit_chain()
    {
        var folder = ServerHost.NewDataDirectory();
        var path = Path.Combine(folder, SqliteStore.FileName);
        try
        {
            // A database exactly as a version-1 server leaves it: only migration 0 applied, with data in it.
            Directory.CreateDirectory(folder);
            using (var connection = new SqliteConnection("Data Source=" + path))
            {
                connection.Open();
                Execute(connection, "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);");
                Execute(connection, SqliteSchema.Migrations[0]);
                Execute(connection, "INSERT INTO schema_version (version) VALUES (1);");
            }

            SqliteConnection.ClearAllPools();
            var record = Samples.Pending();
            WriteAsVersion1(path, record);

            using (var store = new SqliteStore(folder))
            {
                await store.InitializeAsync();

                Assert.Equal(record.Id, (await store.GetAsync(record.Id))?.Id);
                Assert.True((await new AuditVerifier(store).VerifyAsync(CancellationToken.None)).Ok);
                var decided = await store.UpdateAsync(record.Id, r =>
                    ActionGuard.Server.Approvals.TransitionResult.Changed(r with { Status = ApprovalStatus.Denied }, [Entry(AuditTypes.Denied, r.Id)])
                        .WithOutbox([new OutboxMessage("evt_1", "approval.denied", Samples.Created, "slack", r with { Status = ApprovalStatus.Denied }, null)]));
                Assert.Equal(ApprovalStatus.Denied, decided!.Current.Status);
                Assert.Single(await store.ListOutboxAsync(10));
                Assert.True((await new AuditVerifier(store).VerifyAsync(CancellationToken.None)).Ok);
                var trail = await store.ReadAuditForApprovalAsync(record.Id);
                Assert.Equal([AuditTypes.Requested, AuditTypes.Denied], trail.Select(a => a.Type));
            }

            using var check = new SqliteConnection("Data Source=" + path);
            check.Open();
            using var versions = check.CreateCommand();
            versions.CommandText = "SELECT group_concat(version, ',') FROM (SELECT version FROM schema_version ORDER BY version);";
            Assert.Equal("1,2,3", (string)versions.ExecuteScalar()!);
            using var tables = check.CreateCommand();
            tables.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('outbox', 'identities');";
            Assert.Equal(2L, (long)tables.ExecuteScalar()!);
            using var index = check.CreateCommand();
            index.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_audit_approval';";
            Assert.Equal(1L, (long)index.ExecuteScalar()!);
        }
        finally
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

    private static AuditEntry Entry(string type, string approvalId) =>
        new(type, approvalId, AuditData.System, Samples.Created, AuditData.Build(_ => { }));

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    // Writes an approval and its audit record the way version 1 did: approvals and audit tables only.
    private static void WriteAsVersion1(string path, ActionGuard.Server.Approvals.ApprovalRecord record)
    {
        using var connection = new SqliteConnection("Data Source=" + path);
        connection.Open();
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO approvals (id, agent_id, idempotency_key, status, expires_at, data) VALUES ($id, $agent, $key, 'pending', $expires, $data);";
        insert.Parameters.AddWithValue("$id", record.Id);
        insert.Parameters.AddWithValue("$agent", record.AgentId);
        insert.Parameters.AddWithValue("$key", record.IdempotencyKey);
        insert.Parameters.AddWithValue("$expires", record.ExpiresAt.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$data", System.Text.Json.JsonSerializer.Serialize(record, ServerJsonContext.Default.ApprovalRecord));
        insert.ExecuteNonQuery();

        var entry = Entry(AuditTypes.Requested, record.Id);
        var at = AuditChain.FormatTime(entry.At);
        using var audit = connection.CreateCommand();
        audit.CommandText = "INSERT INTO audit (seq, at, type, approval_id, actor, data, prev_hash, hash) VALUES (1, $at, $type, $approval, $actor, $data, $prev, $hash);";
        audit.Parameters.AddWithValue("$at", at);
        audit.Parameters.AddWithValue("$type", entry.Type);
        audit.Parameters.AddWithValue("$approval", entry.ApprovalId);
        audit.Parameters.AddWithValue("$actor", entry.Actor);
        audit.Parameters.AddWithValue("$data", entry.Data.GetRawText());
        audit.Parameters.AddWithValue("$prev", AuditChain.GenesisHash);
        audit.Parameters.AddWithValue("$hash", AuditChain.ComputeHash(AuditChain.GenesisHash, 1, at, entry.Type, entry.ApprovalId, entry.Actor, entry.Data));
        audit.ExecuteNonQuery();
    }
}
