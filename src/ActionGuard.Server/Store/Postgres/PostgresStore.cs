using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Audit;
using Npgsql;
using NpgsqlTypes;

namespace ActionGuard.Server.Store.Postgres;

/// <summary>
/// The PostgreSQL store, for several instances on one database. Every write is one transaction at READ COMMITTED: a
/// transition locks its approval row (<c>SELECT … FOR UPDATE</c>), and audit records lock the one-row
/// <c>audit_tail</c> to take the next sequence number and hash, so the chain stays one chain whichever instance appends.
/// Lock order is always approval, then outbox, then audit tail. The schema is migrated at start under an advisory lock.
/// </summary>
internal sealed class PostgresStore : IServerStore, IAsyncDisposable, IDisposable
{
    // Advisory lock keys ("AGSCHEMA", "AGOUTBOX"); transaction-scoped, so a crashed instance never keeps one.
    private const long SchemaLockKey = 0x4147_5343_4845_4D41;
    private const long OutboxLockKey = 0x4147_4F55_5442_4F58;
    private const long SigningKeyLockKey = 0x4147_5349_474B_4559;

    // A batch that loses a deadlock this many times in a row fails as it would without the retry.
    private const int MaxConflictAttempts = 5;

    private const string AuditColumns = "seq, at, type, approval_id, actor, data, prev_hash, hash";
    private const string OutboxColumns = "seq, event_id, type, at, channel, approval, review_url, attempts, due_at";

    // How long listed outbox messages stay with this instance; renewed while it settles messages, so it only lapses
    // when the instance stops draining (a crash), and then another instance takes them over.
    /// <summary>Gets how close together two new signing keys count as one rotation by instances starting together.</summary>
    internal static readonly TimeSpan RotationWindow = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan DefaultOutboxLease = TimeSpan.FromMinutes(2);

    /// <summary>The channel each committed change of an approval is announced on, with the approval id as payload.</summary>
    public const string ChangeChannel = "actionguard_approval_changed";

    private readonly NpgsqlDataSource _dataSource;
    private readonly GroupCommit<WriterSession> _writes;
    private readonly TimeSpan _outboxLease;
    private readonly string _owner = "ag-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public PostgresStore(string connectionString)
        : this(connectionString, DefaultOutboxLease)
    {
    }

    internal PostgresStore(string connectionString, TimeSpan outboxLease)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        _outboxLease = outboxLease;
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Description = Describe(builder);
        ConnectionStringBuilder = builder;

        // The hot statements (create, read, transition, audit append) are prepared on each pooled connection after a
        // few uses, unless the connection string says otherwise.
        var pooled = new NpgsqlConnectionStringBuilder(builder.ConnectionString);
        if (!connectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase)
            && !connectionString.Contains("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
        {
            pooled.MaxAutoPrepare = 32;
        }

        _dataSource = NpgsqlDataSource.Create(pooled);
        _writes = new GroupCommit<WriterSession>(AttemptAsync);
    }

    /// <summary>Gets where the store is, for logs: host, port and database; never the password.</summary>
    public string Description { get; }

    /// <summary>Gets the connection settings, for the listener that wakes waiters when another instance changes an approval.</summary>
    internal NpgsqlConnectionStringBuilder ConnectionStringBuilder { get; }

    public static string Describe(NpgsqlConnectionStringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"PostgreSQL database '{builder.Database ?? builder.Username ?? "(default)"}' on {builder.Host ?? "localhost"}:{builder.Port}");
    }

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Instances starting together wait here; PostgreSQL runs DDL in the transaction, so a failed migration
                // leaves the database as it was.
                using (var lockCommand = Command(connection, transaction, "SELECT pg_advisory_xact_lock(@key);"))
                {
                    lockCommand.Parameters.AddWithValue("key", SchemaLockKey);
                    await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL);", cancellationToken).ConfigureAwait(false);
                int version;
                using (var read = Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version;"))
                {
                    version = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                }

                if (version > PostgresSchema.Migrations.Count)
                {
                    throw new StoreException(
                        $"The {Description} has schema version {version}, but this server knows versions up to {PostgresSchema.Migrations.Count}. Run a newer server.");
                }

                for (var next = version; next < PostgresSchema.Migrations.Count; next++)
                {
                    await ExecuteAsync(connection, transaction, PostgresSchema.Migrations[next], cancellationToken).ConfigureAwait(false);
                    using var record = Command(connection, transaction, "INSERT INTO schema_version (version) VALUES (@v);");
                    record.Parameters.AddWithValue("v", next + 1);
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task<CreateOutcome> CreateAsync(ApprovalRecord record, IReadOnlyList<AuditEntry> audit, IReadOnlyList<OutboxMessage> outbox, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return WriteAsync(
            async (connection, transaction) =>
            {
                // A concurrent insert with the same key makes this one wait for it and then do nothing.
                using (var insert = Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO approvals (id, agent_id, idempotency_key, status, expires_at, data) VALUES (@id, @agent, @key, @status, @expires, @data)
                    ON CONFLICT (agent_id, idempotency_key) DO NOTHING;
                    """))
                {
                    insert.Parameters.AddWithValue("id", record.Id);
                    insert.Parameters.AddWithValue("agent", record.AgentId);
                    insert.Parameters.AddWithValue("key", record.IdempotencyKey);
                    insert.Parameters.AddWithValue("status", ApprovalStateMachine.StatusName(record.Status));
                    insert.Parameters.AddWithValue("expires", record.ExpiresAt.ToUniversalTime());
                    insert.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, StoreJson.Serialize(record));
                    if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
                    {
                        await InsertOutboxAsync(connection, transaction, outbox, cancellationToken).ConfigureAwait(false);
                        await NotifyAsync(connection, transaction, record.Id, cancellationToken).ConfigureAwait(false);
                        return (new CreateOutcome(record, Created: true), audit);
                    }
                }

                using var find = Command(connection, transaction, "SELECT data::text FROM approvals WHERE agent_id = @agent AND idempotency_key = @key;");
                find.Parameters.AddWithValue("agent", record.AgentId);
                find.Parameters.AddWithValue("key", record.IdempotencyKey);
                var existing = await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string
                    ?? throw new StoreException("An approval with the same idempotency key was reported but is not there.");
                return (new CreateOutcome(StoreJson.Deserialize(existing), Created: false), (IReadOnlyList<AuditEntry>)[]);
            },
            cancellationToken);
    }

    public async Task<ApprovalRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        using var command = _dataSource.CreateCommand("SELECT data::text FROM approvals WHERE id = @id;");
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string data ? StoreJson.Deserialize(data) : null;
    }

    public Task<TransitionResult?> UpdateAsync(string id, Func<ApprovalRecord, TransitionResult> transition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transition);
        return _writes.WriteAsync(Update(id, transition), cancellationToken);
    }

    public Task<TransitionResult?>[] UpdateManyAsync(IReadOnlyList<(string Id, Func<ApprovalRecord, TransitionResult> Transition)> transitions, CancellationToken cancellationToken = default) =>
        _writes.WriteManyAsync([.. transitions.Select(t => Update(t.Id, t.Transition))], cancellationToken);

    private static Func<WriterSession, ValueTask<(TransitionResult? Result, IReadOnlyList<AuditEntry> Audit)>> Update(string id, Func<ApprovalRecord, TransitionResult> transition) =>
        async session =>
        {
            var (connection, transaction) = session;
            var cancellationToken = CancellationToken.None;
            ApprovalRecord current;

            // The row lock makes racing decisions, claims and expiries on any instance take turns.
            using (var read = Command(connection, transaction, "SELECT data::text FROM approvals WHERE id = @id FOR UPDATE;"))
            {
                read.Parameters.AddWithValue("id", id);
                if (await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string data)
                {
                    return (null, []);
                }

                current = StoreJson.Deserialize(data);
            }

            var result = transition(current);
            if (result.Updated is not { } updated)
            {
                return (result, []);
            }

            using (var write = Command(connection, transaction, "UPDATE approvals SET status = @status, expires_at = @expires, data = @data WHERE id = @id;"))
            {
                write.Parameters.AddWithValue("id", id);
                write.Parameters.AddWithValue("status", ApprovalStateMachine.StatusName(updated.Status));
                write.Parameters.AddWithValue("expires", updated.ExpiresAt.ToUniversalTime());
                write.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, StoreJson.Serialize(updated));
                await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await InsertOutboxAsync(connection, transaction, result.Outbox, cancellationToken).ConfigureAwait(false);
            await NotifyAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
            return (result, result.Audit);
        };

    public async Task<ApprovalPage> ListAsync(ApprovalStatus? status, string? cursor, int limit, CancellationToken cancellationToken = default)
    {
        using var command = _dataSource.CreateCommand(
            "SELECT seq, data::text FROM approvals WHERE (@status::text IS NULL OR status = @status) AND (@cursor::bigint IS NULL OR seq < @cursor) ORDER BY seq DESC LIMIT @limit;");
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Text) { Value = status is { } s ? ApprovalStateMachine.StatusName(s) : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("cursor", NpgsqlDbType.Bigint)
        {
            Value = cursor is null ? DBNull.Value : long.Parse(cursor, NumberStyles.None, CultureInfo.InvariantCulture),
        });
        command.Parameters.AddWithValue("limit", limit + 1);
        var items = new List<ApprovalRecord>(limit);
        long lastSeq = 0;
        var more = false;
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (items.Count == limit)
                {
                    more = true;
                    break;
                }

                lastSeq = reader.GetInt64(0);
                items.Add(StoreJson.Deserialize(reader.GetString(1)));
            }
        }

        return new ApprovalPage(items, more ? lastSeq.ToString(CultureInfo.InvariantCulture) : null);
    }

    public async Task<IReadOnlyList<(string Id, DateTimeOffset ExpiresAt)>> ListExpirableAsync(CancellationToken cancellationToken = default)
    {
        using var command = _dataSource.CreateCommand("SELECT id, expires_at FROM approvals WHERE status IN ('pending', 'approved');");
        var result = new List<(string, DateTimeOffset)>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }

        return result;
    }

    public Task AppendAuditAsync(IReadOnlyList<AuditEntry> audit, CancellationToken cancellationToken = default) =>
        WriteAsync((_, _) => Task.FromResult((true, audit)), cancellationToken);

    public async Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        using var command = _dataSource.CreateCommand($"SELECT {AuditColumns} FROM audit WHERE seq > @after ORDER BY seq LIMIT @limit;");
        command.Parameters.AddWithValue("after", afterSeq);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAuditRecordsAsync(command, Math.Min(limit, 1024), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAuditForApprovalAsync(string approvalId, CancellationToken cancellationToken = default)
    {
        using var command = _dataSource.CreateCommand($"SELECT {AuditColumns} FROM audit WHERE approval_id = @id ORDER BY seq;");
        command.Parameters.AddWithValue("id", approvalId);
        return await ReadAuditRecordsAsync(command, 16, cancellationToken).ConfigureAwait(false);
    }

    public Task EnqueueAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                await InsertOutboxAsync(connection, transaction, messages, cancellationToken).ConfigureAwait(false);
                return (true, (IReadOnlyList<AuditEntry>)[]);
            },
            cancellationToken);

    /// <summary>
    /// Leases the listed messages to this instance. Under an advisory lock, so two instances list one after the other:
    /// a message is listed only when no other instance holds a live lease on it or on an earlier message of the same
    /// approval and channel, which keeps both "sent once" and "a Slack update after its post" across instances.
    /// </summary>
    public Task<IReadOnlyList<OutboxMessage>> ListOutboxAsync(int limit, CancellationToken cancellationToken = default) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                using (var lockCommand = Command(connection, transaction, "SELECT pg_advisory_xact_lock(@key);"))
                {
                    lockCommand.Parameters.AddWithValue("key", OutboxLockKey);
                    await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                using var claim = Command(
                    connection,
                    transaction,
                    $"""
                    UPDATE outbox SET lease_owner = @owner, lease_until = clock_timestamp() + @lease
                    WHERE seq IN (
                        SELECT o.seq FROM outbox o
                        WHERE o.state = 'pending'
                          AND NOT EXISTS (
                              SELECT 1 FROM outbox p
                              WHERE p.state = 'pending' AND p.approval_id = o.approval_id AND p.channel = o.channel
                                AND p.lease_owner <> @owner AND p.lease_until > clock_timestamp())
                        ORDER BY o.seq
                        LIMIT @limit
                        FOR UPDATE SKIP LOCKED)
                    RETURNING {OutboxColumns.Replace("approval,", "approval::text,", StringComparison.Ordinal)};
                    """);
                claim.Parameters.AddWithValue("owner", _owner);
                claim.Parameters.AddWithValue("lease", _outboxLease);
                claim.Parameters.AddWithValue("limit", limit);
                var messages = new List<OutboxMessage>();
                using (var reader = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        messages.Add(new OutboxMessage(
                            reader.GetString(1),
                            reader.GetString(2),
                            reader.GetFieldValue<DateTimeOffset>(3),
                            reader.GetString(4),
                            StoreJson.Deserialize(reader.GetString(5)),
                            reader.IsDBNull(6) ? null : new Uri(reader.GetString(6), UriKind.Absolute))
                        {
                            Seq = reader.GetInt64(0),
                            Attempts = reader.GetInt32(7),
                            DueAt = reader.GetFieldValue<DateTimeOffset>(8),
                        });
                    }
                }

                // RETURNING has no order of its own.
                messages.Sort(static (a, b) => a.Seq.CompareTo(b.Seq));
                return ((IReadOnlyList<OutboxMessage>)messages, (IReadOnlyList<AuditEntry>)[]);
            },
            cancellationToken);

    public Task RetryOutboxAsync(long seq, int attempts, DateTimeOffset dueAt, string error, CancellationToken cancellationToken = default) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                using (var update = Command(connection, transaction, "UPDATE outbox SET attempts = @attempts, due_at = @due, last_error = @error WHERE seq = @seq AND state = 'pending';"))
                {
                    update.Parameters.AddWithValue("seq", seq);
                    update.Parameters.AddWithValue("attempts", attempts);
                    update.Parameters.AddWithValue("due", dueAt.ToUniversalTime());
                    update.Parameters.AddWithValue("error", error);
                    await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await RenewLeaseAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                return (true, (IReadOnlyList<AuditEntry>)[]);
            },
            cancellationToken);

    public Task SettleOutboxAsync(long seq, int attempts, bool delivered, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return WriteAsync(
            async (connection, transaction) =>
            {
                int settled;
                using (var update = Command(
                    connection,
                    transaction,
                    "UPDATE outbox SET state = @state, attempts = @attempts, settled_at = @at, lease_owner = NULL, lease_until = NULL WHERE seq = @seq AND state = 'pending';"))
                {
                    update.Parameters.AddWithValue("seq", seq);
                    update.Parameters.AddWithValue("state", delivered ? "delivered" : "dead");
                    update.Parameters.AddWithValue("attempts", attempts);
                    update.Parameters.AddWithValue("at", audit.At.ToUniversalTime());
                    settled = await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await RenewLeaseAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

                // A message settled already (by another drainer) gets no second audit record.
                return (true, settled == 1 ? [audit] : (IReadOnlyList<AuditEntry>)[]);
            },
            cancellationToken);
    }

    public Task RecordIdentityAsync(KnownIdentity identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return WriteAsync(
            async (connection, transaction) =>
            {
                using var upsert = Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO identities (issuer, subject, name, email, email_key, groups, last_seen) VALUES (@iss, @sub, @name, @email, @key, @groups, @seen)
                    ON CONFLICT (issuer, subject) DO UPDATE SET name = excluded.name, email = excluded.email, email_key = excluded.email_key,
                        groups = excluded.groups, last_seen = excluded.last_seen;
                    """);
                upsert.Parameters.AddWithValue("iss", identity.Issuer);
                upsert.Parameters.AddWithValue("sub", identity.Subject);
                upsert.Parameters.Add(new NpgsqlParameter("name", NpgsqlDbType.Text) { Value = (object?)identity.Name ?? DBNull.Value });
                upsert.Parameters.AddWithValue("email", identity.Email);
                upsert.Parameters.AddWithValue("key", KnownIdentity.EmailKey(identity.Email));
                upsert.Parameters.AddWithValue("groups", NpgsqlDbType.Jsonb, StoreJson.SerializeGroups(identity.Groups));
                upsert.Parameters.AddWithValue("seen", identity.LastSeen.ToUniversalTime());
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return (true, (IReadOnlyList<AuditEntry>)[]);
            },
            cancellationToken);
    }

    public async Task ForgetIdentityAsync(string issuer, string subject, CancellationToken cancellationToken = default)
    {
        using var delete = _dataSource.CreateCommand("DELETE FROM identities WHERE issuer = @iss AND subject = @sub;");
        delete.Parameters.AddWithValue("iss", issuer);
        delete.Parameters.AddWithValue("sub", subject);
        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<KnownIdentity>> FindIdentitiesByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        using var command = _dataSource.CreateCommand(
            "SELECT issuer, subject, name, email, groups::text, last_seen FROM identities WHERE email_key = @key ORDER BY issuer COLLATE \"C\", subject COLLATE \"C\";");
        command.Parameters.AddWithValue("key", KnownIdentity.EmailKey(email));
        var identities = new List<KnownIdentity>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            identities.Add(new KnownIdentity(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3),
                StoreJson.DeserializeGroups(reader.GetString(4)),
                reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return identities;
    }

    public async Task<string?> GetMessageReferenceAsync(string approvalId, string channel, CancellationToken cancellationToken = default)
    {
        using var command = _dataSource.CreateCommand("SELECT ref FROM message_refs WHERE approval_id = @id AND channel = @channel;");
        command.Parameters.AddWithValue("id", approvalId);
        command.Parameters.AddWithValue("channel", channel);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task SetMessageReferenceAsync(string approvalId, string channel, string? reference, CancellationToken cancellationToken = default)
    {
        using var command = _dataSource.CreateCommand(
            reference is null
                ? "DELETE FROM message_refs WHERE approval_id = @id AND channel = @channel;"
                : "INSERT INTO message_refs (approval_id, channel, ref) VALUES (@id, @channel, @ref) ON CONFLICT (approval_id, channel) DO UPDATE SET ref = excluded.ref;");
        command.Parameters.AddWithValue("id", approvalId);
        command.Parameters.AddWithValue("channel", channel);
        if (reference is not null)
        {
            command.Parameters.AddWithValue("ref", reference);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredSigningKey>> GetSigningKeysAsync(CancellationToken cancellationToken = default)
    {
        using var command = _dataSource.CreateCommand("SELECT kid, created_at, retired_at, private_key FROM signing_keys ORDER BY created_at, kid COLLATE \"C\";");
        var keys = new List<StoredSigningKey>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(new StoredSigningKey(
                reader.GetString(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                reader.GetString(3)));
        }

        return keys;
    }

    /// <summary>
    /// Adds a signing key and retires the others, unless another instance added one within <see cref="RotationWindow"/>
    /// of it: instances that start together on a database without a key would otherwise each add one, and each sign with
    /// a key the others do not publish. The caller loads the keys afterwards and so uses the one that was kept.
    /// </summary>
    public Task AddSigningKeyAsync(StoredSigningKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return WriteAsync(
            async (connection, transaction) =>
            {
                using (var lockCommand = Command(connection, transaction, "SELECT pg_advisory_xact_lock(@key);"))
                {
                    lockCommand.Parameters.AddWithValue("key", SigningKeyLockKey);
                    await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                using (var recent = Command(connection, transaction, "SELECT COUNT(*) FROM signing_keys WHERE retired_at IS NULL AND created_at > @since;"))
                {
                    recent.Parameters.AddWithValue("since", (key.CreatedAt - RotationWindow).ToUniversalTime());
                    if ((long)(await recent.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0)
                    {
                        return (true, (IReadOnlyList<AuditEntry>)[]);
                    }
                }

                using (var retire = Command(connection, transaction, "UPDATE signing_keys SET retired_at = @at WHERE retired_at IS NULL;"))
                {
                    retire.Parameters.AddWithValue("at", key.CreatedAt.ToUniversalTime());
                    await retire.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                using var insert = Command(connection, transaction, "INSERT INTO signing_keys (kid, created_at, retired_at, private_key) VALUES (@kid, @created, NULL, @key);");
                insert.Parameters.AddWithValue("kid", key.KeyId);
                insert.Parameters.AddWithValue("created", key.CreatedAt.ToUniversalTime());
                insert.Parameters.AddWithValue("key", key.PrivateKeyPkcs8);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return (true, (IReadOnlyList<AuditEntry>)[]);
            },
            cancellationToken);
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var command = _dataSource.CreateCommand("SELECT COUNT(*) FROM schema_version;");
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    /// <summary>Test hook: runs raw SQL on the database, for example to tamper with an audit row.</summary>
    internal async Task ExecuteRawAsync(string sql)
    {
        using var command = _dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    private Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<(T Result, IReadOnlyList<AuditEntry> Audit)>> work, CancellationToken cancellationToken) =>
        _writes.WriteAsync<T>(session => new(work(session.Connection, session.Transaction)), cancellationToken);

    // A batch that PostgreSQL chose as a deadlock's victim (another instance locked the same rows in the other order)
    // or whose serialization failed was rolled back whole and did nothing: it runs again, every write re-reading what it
    // reads, instead of failing the one write whose statement happened to get the error.
    private async Task AttemptAsync(IReadOnlyList<GroupWrite<WriterSession>> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await AttemptOnceAsync(batch).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (attempt < MaxConflictAttempts && IsConflict(ex))
            {
                // Both sides of a deadlock retry: a random pause keeps them from meeting in the same order again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * attempt))).ConfigureAwait(false);
            }
        }
    }

    internal static bool IsConflict(Exception exception) =>
        (exception is GroupWriteFault fault ? fault.InnerException : exception) is PostgresException
        {
            SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure,
        };

    // One attempt of a group commit: every write of the batch in one transaction on one connection, their audit
    // records appended under one lock of the tail, one commit (one WAL flush). A write that throws leaves by the
    // await using: the transaction rolls back.
    private async Task AttemptOnceAsync(IReadOnlyList<GroupWrite<WriterSession>> batch)
    {
        var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var session = new WriterSession(connection, transaction);
                var audit = new List<AuditEntry>();
                foreach (var write in batch)
                {
                    audit.AddRange(await write.RunAsync(session).ConfigureAwait(false));
                }

                await AppendAsync(connection, transaction, audit, CancellationToken.None).ConfigureAwait(false);
                await transaction.CommitAsync().ConfigureAwait(false);
            }
        }
    }

    // The tail row is locked until commit, so appends from every instance take turns and each links to the one before.
    private static async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<AuditEntry> audit, CancellationToken cancellationToken)
    {
        if (audit.Count == 0)
        {
            return;
        }

        long seq;
        string prev;
        string last;
        using (var tail = Command(connection, transaction, "SELECT seq, hash, at FROM audit_tail WHERE id = 1 FOR UPDATE;"))
        using (var reader = await tail.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new StoreException("The audit_tail row is missing; the audit log cannot be appended to.");
            }

            seq = reader.GetInt64(0);
            prev = reader.GetString(1);
            last = reader.GetString(2);
        }

        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var entry in audit)
            {
                seq++;

                // Times are taken before the tail lock, possibly on another instance.
                var at = AuditChain.TimeAfter(entry.At, last);
                last = at;
                var hash = AuditChain.ComputeHash(prev, seq, at, entry.Type, entry.ApprovalId, entry.Actor, entry.Data);
                batch.BatchCommands.Add(new NpgsqlBatchCommand($"INSERT INTO audit ({AuditColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8);")
                {
                    Parameters =
                    {
                        new NpgsqlParameter<long> { TypedValue = seq },
                        new NpgsqlParameter<string> { TypedValue = at },
                        new NpgsqlParameter<string> { TypedValue = entry.Type },
                        new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)entry.ApprovalId ?? DBNull.Value },
                        new NpgsqlParameter<string> { TypedValue = entry.Actor },
                        new NpgsqlParameter<string> { TypedValue = entry.Data.GetRawText() },
                        new NpgsqlParameter<string> { TypedValue = prev },
                        new NpgsqlParameter<string> { TypedValue = hash },
                    },
                });
                prev = hash;
            }

            batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE audit_tail SET seq = $1, hash = $2, at = $3 WHERE id = 1;")
            {
                Parameters =
                {
                    new NpgsqlParameter<long> { TypedValue = seq },
                    new NpgsqlParameter<string> { TypedValue = prev },
                    new NpgsqlParameter<string> { TypedValue = last },
                },
            });
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // Delivered to every listening instance when (and only if) the transaction commits.
    private static async Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string approvalId, CancellationToken cancellationToken)
    {
        using var notify = Command(connection, transaction, "SELECT pg_notify(@channel, @id);");
        notify.Parameters.AddWithValue("channel", ChangeChannel);
        notify.Parameters.AddWithValue("id", approvalId);
        await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RenewLeaseAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        using var renew = Command(
            connection,
            transaction,
            "UPDATE outbox SET lease_until = clock_timestamp() + @lease WHERE state = 'pending' AND lease_owner = @owner;");
        renew.Parameters.AddWithValue("owner", _owner);
        renew.Parameters.AddWithValue("lease", _outboxLease);
        await renew.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task InsertOutboxAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var message in messages)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(
                    """
                    INSERT INTO outbox (event_id, type, at, channel, approval_id, approval, review_url, state, attempts, due_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9);
                    """)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string> { TypedValue = message.EventId },
                        new NpgsqlParameter<string> { TypedValue = message.Type },
                        new NpgsqlParameter<DateTimeOffset> { TypedValue = message.At.ToUniversalTime() },
                        new NpgsqlParameter<string> { TypedValue = message.Channel },
                        new NpgsqlParameter<string> { TypedValue = message.Approval.Id },
                        new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = StoreJson.Serialize(message.Approval) },
                        new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)message.ReviewUrl?.AbsoluteUri ?? DBNull.Value },
                        new NpgsqlParameter<int> { TypedValue = message.Attempts },
                        new NpgsqlParameter<DateTimeOffset> { TypedValue = (message.DueAt == default ? message.At : message.DueAt).ToUniversalTime() },
                    },
                });
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<List<AuditRecord>> ReadAuditRecordsAsync(NpgsqlCommand command, int capacity, CancellationToken cancellationToken)
    {
        var records = new List<AuditRecord>(capacity);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(StoreJson.ReadAuditRecord(reader));
        }

        return records;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql) => new(sql, connection, transaction);

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
