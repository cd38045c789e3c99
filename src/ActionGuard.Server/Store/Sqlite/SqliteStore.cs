using System.Globalization;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Audit;
using Microsoft.Data.Sqlite;

namespace ActionGuard.Server.Store.Sqlite;

/// <summary>
/// The SQLite store: one database file in the data folder, WAL journal, created on first start and migrated forward.
/// Writes go through one connection under a lock, each in a <c>BEGIN IMMEDIATE</c> transaction with its audit records;
/// reads use pooled connections and run beside the writer.
/// </summary>
internal sealed class SqliteStore : IServerStore, IDisposable
{
    public const string FileName = "actionguard.db";

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly GroupCommit<WriterSession> _writes;
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private SqliteConnection? _writer;
    private long _auditSeq;
    private string _auditHash = AuditChain.GenesisHash;

    // The fixed-width UTC time of the last record: times are taken before the write lock, so a record could otherwise
    // carry an earlier time than the one before it in the chain.
    private string _auditAt = string.Empty;

    public SqliteStore(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        DatabasePath = Path.GetFullPath(Path.Combine(dataDirectory, FileName));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _writes = new GroupCommit<WriterSession>(AttemptAsync);
    }

    public string DatabasePath { get; }

    /// <inheritdoc/>
    public string Description => "SQLite " + DatabasePath;

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_writer is not null)
            {
                return;
            }

            var writer = Open();
            try
            {
                Execute(writer, "PRAGMA journal_mode=WAL;");
                Execute(writer, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);");
                var version = Convert.ToInt32(Scalar(writer, "SELECT COALESCE(MAX(version), 0) FROM schema_version;"), CultureInfo.InvariantCulture);
                if (version > SqliteSchema.Migrations.Count)
                {
                    throw new StoreException(
                        $"The database '{DatabasePath}' has schema version {version}, but this server knows versions up to {SqliteSchema.Migrations.Count}. Run a newer server.");
                }

                for (var next = version; next < SqliteSchema.Migrations.Count; next++)
                {
                    using var transaction = writer.BeginTransaction();
                    Execute(writer, SqliteSchema.Migrations[next], transaction);
                    using var command = Command(writer, "INSERT INTO schema_version (version) VALUES ($v);", transaction);
                    command.Parameters.AddWithValue("$v", next + 1);
                    command.ExecuteNonQuery();
                    transaction.Commit();
                }

                using (var tail = Command(writer, "SELECT seq, hash, at FROM audit ORDER BY seq DESC LIMIT 1;"))
                using (var reader = tail.ExecuteReader())
                {
                    if (reader.Read())
                    {
                        _auditSeq = reader.GetInt64(0);
                        _auditHash = reader.GetString(1);
                        _auditAt = reader.GetString(2);
                    }
                }

                _writer = writer;
            }
            catch
            {
                writer.Dispose();
                throw;
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task<CreateOutcome> CreateAsync(ApprovalRecord record, IReadOnlyList<AuditEntry> audit, IReadOnlyList<OutboxMessage> outbox, CancellationToken cancellationToken = default) =>
        WriteAsync(
            (connection, transaction) =>
            {
                {
                    var find = Prepared(transaction, "SELECT data FROM approvals WHERE agent_id = $agent AND idempotency_key = $key;");
                    find.Parameters.AddWithValue("$agent", record.AgentId);
                    find.Parameters.AddWithValue("$key", record.IdempotencyKey);
                    if (find.ExecuteScalar() is string existing)
                    {
                        return (new CreateOutcome(Deserialize(existing), Created: false), (IReadOnlyList<AuditEntry>)[]);
                    }
                }

                var insert = Prepared(
                    transaction,
                    "INSERT INTO approvals (id, agent_id, idempotency_key, status, expires_at, data) VALUES ($id, $agent, $key, $status, $expires, $data);");
                insert.Parameters.AddWithValue("$id", record.Id);
                insert.Parameters.AddWithValue("$agent", record.AgentId);
                insert.Parameters.AddWithValue("$key", record.IdempotencyKey);
                insert.Parameters.AddWithValue("$status", ApprovalStateMachine.StatusName(record.Status));
                insert.Parameters.AddWithValue("$expires", record.ExpiresAt.ToUnixTimeMilliseconds());
                insert.Parameters.AddWithValue("$data", Serialize(record));
                insert.ExecuteNonQuery();
                InsertOutbox(transaction, outbox);
                return (new CreateOutcome(record, Created: true), audit);
            },
            cancellationToken);

    public Task<ApprovalRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = OpenReader();
        using var command = Command(connection, "SELECT data FROM approvals WHERE id = $id;");
        command.Parameters.AddWithValue("$id", id);
        return Task.FromResult(command.ExecuteScalar() is string data ? Deserialize(data) : null);
    }

    public Task<TransitionResult?> UpdateAsync(string id, Func<ApprovalRecord, TransitionResult> transition, CancellationToken cancellationToken = default) =>
        _writes.WriteAsync(Update(id, transition), cancellationToken);

    public Task<TransitionResult?>[] UpdateManyAsync(IReadOnlyList<(string Id, Func<ApprovalRecord, TransitionResult> Transition)> transitions, CancellationToken cancellationToken = default) =>
        _writes.WriteManyAsync([.. transitions.Select(t => Update(t.Id, t.Transition))], cancellationToken);

    private Func<WriterSession, ValueTask<(TransitionResult? Result, IReadOnlyList<AuditEntry> Audit)>> Update(string id, Func<ApprovalRecord, TransitionResult> transition) =>
        session =>
        {
            ApprovalRecord current;
            {
                var read = Prepared(session.Transaction, "SELECT data FROM approvals WHERE id = $id;");
                read.Parameters.AddWithValue("$id", id);
                if (read.ExecuteScalar() is not string data)
                {
                    return new((null, []));
                }

                current = Deserialize(data);
            }

            var result = transition(current);
            if (result.Updated is { } updated)
            {
                var write = Prepared(session.Transaction, "UPDATE approvals SET status = $status, expires_at = $expires, data = $data WHERE id = $id;");
                write.Parameters.AddWithValue("$id", id);
                write.Parameters.AddWithValue("$status", ApprovalStateMachine.StatusName(updated.Status));
                write.Parameters.AddWithValue("$expires", updated.ExpiresAt.ToUnixTimeMilliseconds());
                write.Parameters.AddWithValue("$data", Serialize(updated));
                write.ExecuteNonQuery();
                InsertOutbox(session.Transaction, result.Outbox);
            }

            return new((result, result.Audit));
        };

    public Task<ApprovalPage> ListAsync(ApprovalStatus? status, string? cursor, int limit, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = OpenReader();
        using var command = Command(
            connection,
            "SELECT seq, data FROM approvals WHERE ($status IS NULL OR status = $status) AND ($cursor IS NULL OR seq < $cursor) ORDER BY seq DESC LIMIT $limit;");
        command.Parameters.AddWithValue("$status", status is { } s ? ApprovalStateMachine.StatusName(s) : DBNull.Value);
        command.Parameters.AddWithValue("$cursor", cursor is null ? DBNull.Value : long.Parse(cursor, NumberStyles.None, CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$limit", limit + 1);
        var items = new List<ApprovalRecord>(limit);
        long lastSeq = 0;
        var more = false;
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (items.Count == limit)
                {
                    more = true;
                    break;
                }

                lastSeq = reader.GetInt64(0);
                items.Add(Deserialize(reader.GetString(1)));
            }
        }

        return Task.FromResult(new ApprovalPage(items, more ? lastSeq.ToString(CultureInfo.InvariantCulture) : null));
    }

    public Task<IReadOnlyList<(string Id, DateTimeOffset ExpiresAt)>> ListExpirableAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = OpenReader();
        using var command = Command(connection, "SELECT id, expires_at FROM approvals WHERE status IN ('pending', 'approved');");
        var result = new List<(string, DateTimeOffset)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add((reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1))));
        }

        return Task.FromResult<IReadOnlyList<(string, DateTimeOffset)>>(result);
    }

    public Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = OpenReader();
        using var command = Command(connection, "SELECT seq, at, type, approval_id, actor, data, prev_hash, hash FROM audit WHERE seq > $after ORDER BY seq LIMIT $limit;");
        command.Parameters.AddWithValue("$after", afterSeq);
        command.Parameters.AddWithValue("$limit", limit);
        return Task.FromResult<IReadOnlyList<AuditRecord>>(ReadAuditRecords(command, Math.Min(limit, 1024)));
    }

    public Task<IReadOnlyList<AuditRecord>> ReadAuditForApprovalAsync(string approvalId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = OpenReader();
        using var command = Command(connection, "SELECT seq, at, type, approval_id, actor, data, prev_hash, hash FROM audit WHERE approval_id = $id ORDER BY seq;");
        command.Parameters.AddWithValue("$id", approvalId);
        return Task.FromResult<IReadOnlyList<AuditRecord>>(ReadAuditRecords(command, 16));
    }

    private static List<AuditRecord> ReadAuditRecords(SqliteCommand command, int capacity)
    {
        var records = new List<AuditRecord>(capacity);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            records.Add(StoreJson.ReadAuditRecord(reader));
        }

        return records;
    }

    public Task<IReadOnlyList<StoredSigningKey>> GetSigningKeysAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = OpenReader();
        using var command = Command(connection, "SELECT kid, created_at, retired_at, private_key FROM signing_keys ORDER BY created_at;");
        var keys = new List<StoredSigningKey>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            keys.Add(new StoredSigningKey(
                reader.GetString(0),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                reader.GetString(3)));
        }

        return Task.FromResult<IReadOnlyList<StoredSigningKey>>(keys);
    }

    public Task AppendAuditAsync(IReadOnlyList<AuditEntry> audit, CancellationToken cancellationToken = default) =>
        WriteAsync((_, _) => (true, audit), cancellationToken);

    public Task EnqueueAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default) =>
        WriteAsync(
            (connection, transaction) =>
            {
                InsertOutbox(transaction, messages);
                return (true, (IReadOnlyList<AuditEntry>)[]);
            },
            cancellationToken);

    public Task<IReadOnlyList<OutboxMessage>> ListOutboxAsync(int limit, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = OpenReader();
        using var command = Command(
            connection,
            "SELECT seq, event_id, type, at, channel, approval, review_url, attempts, due_at FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT $limit;");
        command.Parameters.AddWithValue("$limit", limit);
        var messages = new List<OutboxMessage>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            messages.Add(new OutboxMessage(
                reader.GetString(1),
                reader.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                reader.GetString(4),
                Deserialize(reader.GetString(5)),
                reader.IsDBNull(6) ? null : new Uri(reader.GetString(6), UriKind.Absolute))
            {
                Seq = reader.GetInt64(0),
                Attempts = reader.GetInt32(7),
                DueAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
            });
        }

        return Task.FromResult<IReadOnlyList<OutboxMessage>>(messages);
    }

    public Task RetryOutboxAsync(long seq, int attempts, DateTimeOffset dueAt, string error, CancellationToken cancellationToken = default) =>
        WriteAsync(
            (connection, transaction) =>
            {
                using var update = Command(connection, "UPDATE outbox SET attempts = $attempts, due_at = $due, last_error = $error WHERE seq = $seq AND state = 'pending';", transaction);
                update.Parameters.AddWithValue("$seq", seq);
                update.Parameters.AddWithValue("$attempts", attempts);
                update.Parameters.AddWithValue("$due", dueAt.ToUnixTimeMilliseconds());
                update.Parameters.AddWithValue("$error", error);
                update.ExecuteNonQuery();
                return (true, (IReadOnlyList<AuditEntry>)[]);
            },
            cancellationToken);

    public Task SettleOutboxAsync(long seq, int attempts, bool delivered, AuditEntry audit, CancellationToken cancellationToken = default) =>
        WriteAsync(
            (connection, transaction) =>
            {
                using var update = Command(
                    connection,
                    "UPDATE outbox SET state = $state, attempts = $attempts, settled_at = $at WHERE seq = $seq AND state = 'pending';",
                    transaction);
                update.Parameters.AddWithValue("$seq", seq);
                update.Parameters.AddWithValue("$state", delivered ? "delivered" : "dead");
                update.Parameters.AddWithValue("$attempts", attempts);
                update.Parameters.AddWithValue("$at", audit.At.ToUnixTimeMilliseconds());

                // A message settled already (by another drainer) gets no second audit record.
                return (true, update.ExecuteNonQuery() == 1 ? [audit] : (IReadOnlyList<AuditEntry>)[]);
            },
            cancellationToken);

    public Task RecordIdentityAsync(KnownIdentity identity, CancellationToken cancellationToken = default) =>
        WriteAsync(
            (connection, transaction) =>
            {
                using var upsert = Command(
                    connection,
                    """
                    INSERT INTO identities (issuer, subject, name, email, email_key, groups, last_seen) VALUES ($iss, $sub, $name, $email, $key, $groups, $seen)
                    ON CONFLICT (issuer, subject) DO UPDATE SET name = excluded.name, email = excluded.email, email_key = excluded.email_key,
                        groups = excluded.groups, last_seen = excluded.last_seen;
                    """,
                    transaction);
                upsert.Parameters.AddWithValue("$iss", identity.Issuer);
                upsert.Parameters.AddWithValue("$sub", identity.Subject);
                upsert.Parameters.AddWithValue("$name", (object?)identity.Name ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$email", identity.Email);
                upsert.Parameters.AddWithValue("$key", KnownIdentity.EmailKey(identity.Email));
                upsert.Parameters.AddWithValue("$groups", SerializeGroups(identity.Groups));
                upsert.Parameters.AddWithValue("$seen", identity.LastSeen.ToUnixTimeMilliseconds());
                upsert.ExecuteNonQuery();
                return (true, (IReadOnlyList<AuditEntry>)[]);
            },
            cancellationToken);

    public Task ForgetIdentityAsync(string issuer, string subject, CancellationToken cancellationToken = default) =>
        WriteAsync(
            (connection, transaction) =>
            {
                using var delete = Command(connection, "DELETE FROM identities WHERE issuer = $iss AND subject = $sub;", transaction);
                delete.Parameters.AddWithValue("$iss", issuer);
                delete.Parameters.AddWithValue("$sub", subject);
                delete.ExecuteNonQuery();
                return (true, (IReadOnlyList<AuditEntry>)[]);
            },
            cancellationToken);

    public Task<string?> GetMessageReferenceAsync(string approvalId, string channel, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = OpenReader();
        using var command = Command(connection, "SELECT ref FROM message_refs WHERE approval_id = $id AND channel = $channel;");
        command.Parameters.AddWithValue("$id", approvalId);
        command.Parameters.AddWithValue("$channel", channel);
        return Task.FromResult(command.ExecuteScalar() as string);
    }

    public Task SetMessageReferenceAsync(string approvalId, string channel, string? reference, CancellationToken cancellationToken = default) =>
        WriteAsync(
            (connection, transaction) =>
            {
                using var command = Command(
                    connection,
                    reference is null
                        ? "DELETE FROM message_refs WHERE approval_id = $id AND channel = $channel;"
                        : "INSERT INTO message_refs (approval_id, channel, ref) VALUES ($id, $channel, $ref) ON CONFLICT (approval_id, channel) DO UPDATE SET ref = excluded.ref;",
                    transaction);
                command.Parameters.AddWithValue("$id", approvalId);
                command.Parameters.AddWithValue("$channel", channel);
                if (reference is not null)
                {
                    command.Parameters.AddWithValue("$ref", reference);
                }

                command.ExecuteNonQuery();
                return (true, (IReadOnlyList<AuditEntry>)[]);
            },
            cancellationToken);

    public Task<IReadOnlyList<KnownIdentity>> FindIdentitiesByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = OpenReader();
        using var command = Command(connection, "SELECT issuer, subject, name, email, groups, last_seen FROM identities WHERE email_key = $key ORDER BY issuer, subject;");
        command.Parameters.AddWithValue("$key", KnownIdentity.EmailKey(email));
        var identities = new List<KnownIdentity>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            identities.Add(new KnownIdentity(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3),
                DeserializeGroups(reader.GetString(4)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5))));
        }

        return Task.FromResult<IReadOnlyList<KnownIdentity>>(identities);
    }

    public Task AddSigningKeyAsync(StoredSigningKey key, CancellationToken cancellationToken = default) =>
        WriteAsync(
            (connection, transaction) =>
            {
                using (var retire = Command(connection, "UPDATE signing_keys SET retired_at = $at WHERE retired_at IS NULL;", transaction))
                {
                    retire.Parameters.AddWithValue("$at", key.CreatedAt.ToUnixTimeMilliseconds());
                    retire.ExecuteNonQuery();
                }

                using var insert = Command(connection, "INSERT INTO signing_keys (kid, created_at, retired_at, private_key) VALUES ($kid, $created, NULL, $key);", transaction);
                insert.Parameters.AddWithValue("$kid", key.KeyId);
                insert.Parameters.AddWithValue("$created", key.CreatedAt.ToUnixTimeMilliseconds());
                insert.Parameters.AddWithValue("$key", key.PrivateKeyPkcs8);
                insert.ExecuteNonQuery();
                return (true, (IReadOnlyList<AuditEntry>)[]);
            },
            cancellationToken);

    public Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var connection = OpenReader();
            return Task.FromResult(Convert.ToInt64(Scalar(connection, "SELECT COUNT(*) FROM schema_version;"), CultureInfo.InvariantCulture) > 0);
        }
        catch (SqliteException)
        {
            return Task.FromResult(false);
        }
    }

    /// <summary>Test hook: runs raw SQL on the database, for example to tamper with an audit row.</summary>
    internal void ExecuteRaw(string sql)
    {
        using var connection = Open();
        Execute(connection, sql);
    }

    public void Dispose()
    {
        foreach (var command in _prepared.Values)
        {
            command.Dispose();
        }

        _prepared.Clear();
        _writer?.Dispose();
        _writer = null;
        _writeLock.Dispose();
    }

    private Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, (T Result, IReadOnlyList<AuditEntry> Audit)> work, CancellationToken cancellationToken) =>
        _writes.WriteAsync<T>(session => new(work(session.Connection, session.Transaction)), cancellationToken);

    // One attempt of a group commit: every write of the batch in one BEGIN IMMEDIATE transaction, their audit records
    // appended in order, one commit. A write that throws leaves by the using: the transaction rolls back.
    private Task AttemptAsync(IReadOnlyList<GroupWrite<WriterSession>> batch)
    {
        var connection = _writer ?? throw new InvalidOperationException("The store is not initialized.");
        using var transaction = connection.BeginTransaction(deferred: false);
        var session = new WriterSession(connection, transaction);
        var audit = new List<AuditEntry>();
        foreach (var write in batch)
        {
            var task = write.RunAsync(session);

            // The writes are synchronous: SQLite has no asynchronous I/O.
            audit.AddRange(task.IsCompletedSuccessfully ? task.Result : task.AsTask().GetAwaiter().GetResult());
        }

        var (seq, hash, at) = Append(transaction, audit);
        transaction.Commit();

        // Only a committed chain moves the tail: a rolled-back append leaves the next one linking to the last real row.
        _auditSeq = seq;
        _auditHash = hash;
        _auditAt = at;
        return Task.CompletedTask;
    }

    // The writer's statements, prepared once: each is parsed by SQLite on its first use only. Only the group commit's
    // leader uses the writer, one at a time.
    private SqliteCommand Prepared(SqliteTransaction transaction, string sql)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = _writer!.CreateCommand();
            command.CommandText = sql;
            _prepared.Add(sql, command);
        }

        command.Transaction = transaction;
        command.Parameters.Clear();
        return command;
    }

    private (long Seq, string Hash, string At) Append(SqliteTransaction transaction, IReadOnlyList<AuditEntry> audit)
    {
        var seq = _auditSeq;
        var prev = _auditHash;
        var last = _auditAt;
        foreach (var entry in audit)
        {
            seq++;
            var at = AuditChain.TimeAfter(entry.At, last);
            last = at;
            var hash = AuditChain.ComputeHash(prev, seq, at, entry.Type, entry.ApprovalId, entry.Actor, entry.Data);
            var insert = Prepared(
                transaction,
                "INSERT INTO audit (seq, at, type, approval_id, actor, data, prev_hash, hash) VALUES ($seq, $at, $type, $approval, $actor, $data, $prev, $hash);");
            insert.Parameters.AddWithValue("$seq", seq);
            insert.Parameters.AddWithValue("$at", at);
            insert.Parameters.AddWithValue("$type", entry.Type);
            insert.Parameters.AddWithValue("$approval", entry.ApprovalId);
            insert.Parameters.AddWithValue("$actor", entry.Actor);
            insert.Parameters.AddWithValue("$data", entry.Data.GetRawText());
            insert.Parameters.AddWithValue("$prev", prev);
            insert.Parameters.AddWithValue("$hash", hash);
            insert.ExecuteNonQuery();
            prev = hash;
        }

        return (seq, prev, last);
    }

    // Reads skip the per-open PRAGMAs of Open(): synchronous and foreign_keys only govern writes, and
    // Microsoft.Data.Sqlite retries SQLITE_BUSY itself for up to DefaultTimeout, as busy_timeout would. On a pooled
    // connection the PRAGMAs were a parse and three statements on every read, including every long-poll wake-up.
    private SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();

            // WAL with synchronous=NORMAL survives a crash of the process; only an OS crash can lose the last commits.
            Execute(connection, "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = Command(connection, sql, transaction);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = Command(connection, sql);
        return command.ExecuteScalar();
    }

    private void InsertOutbox(SqliteTransaction transaction, IReadOnlyList<OutboxMessage> messages)
    {
        foreach (var message in messages)
        {
            var insert = Prepared(
                transaction,
                """
                INSERT INTO outbox (event_id, type, at, channel, approval_id, approval, review_url, state, attempts, due_at)
                VALUES ($event, $type, $at, $channel, $approvalId, $approval, $review, 'pending', $attempts, $due);
                """);
            insert.Parameters.AddWithValue("$event", message.EventId);
            insert.Parameters.AddWithValue("$type", message.Type);
            insert.Parameters.AddWithValue("$at", message.At.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$channel", message.Channel);
            insert.Parameters.AddWithValue("$approvalId", message.Approval.Id);
            insert.Parameters.AddWithValue("$approval", Serialize(message.Approval));
            insert.Parameters.AddWithValue("$review", (object?)message.ReviewUrl?.AbsoluteUri ?? DBNull.Value);
            insert.Parameters.AddWithValue("$attempts", message.Attempts);
            insert.Parameters.AddWithValue("$due", (message.DueAt == default ? message.At : message.DueAt).ToUnixTimeMilliseconds());
            insert.ExecuteNonQuery();
        }
    }

    private static string SerializeGroups(IReadOnlyList<string> groups) => StoreJson.SerializeGroups(groups);

    private static string[] DeserializeGroups(string json) => StoreJson.DeserializeGroups(json);

    private static string Serialize(ApprovalRecord record) => StoreJson.Serialize(record);

    private static ApprovalRecord Deserialize(string data) => StoreJson.Deserialize(data);
}
