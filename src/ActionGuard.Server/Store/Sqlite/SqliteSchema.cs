namespace ActionGuard.Server.Store.Sqlite;

/// <summary>
/// The SQLite schema as forward migrations: entry <c>i</c> takes the database from version <c>i</c> to <c>i + 1</c>.
/// Append new entries; never edit a released one. Version 2 adds the notification outbox (one row per event and channel,
/// <c>pending</c> until <c>delivered</c> or <c>dead</c>) and the identities approvers authenticated with a verified e-mail;
/// version 3 indexes the audit log by approval so one request's trail is read without scanning the log, and keeps the
/// channels' references to posted messages so an outcome updates the message after a restart.
/// </summary>
internal static class SqliteSchema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE approvals (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            agent_id TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            status TEXT NOT NULL,
            expires_at INTEGER NOT NULL,
            data TEXT NOT NULL,
            UNIQUE (agent_id, idempotency_key)
        );
        CREATE INDEX ix_approvals_status ON approvals (status, seq);
        CREATE TABLE audit (
            seq INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            type TEXT NOT NULL,
            approval_id TEXT,
            actor TEXT NOT NULL,
            data TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE TABLE signing_keys (
            kid TEXT PRIMARY KEY,
            created_at INTEGER NOT NULL,
            retired_at INTEGER,
            private_key TEXT NOT NULL
        );
        """,
        """
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT NOT NULL,
            type TEXT NOT NULL,
            at INTEGER NOT NULL,
            channel TEXT NOT NULL,
            approval_id TEXT NOT NULL,
            approval TEXT NOT NULL,
            review_url TEXT,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            due_at INTEGER NOT NULL,
            last_error TEXT,
            settled_at INTEGER
        );
        CREATE INDEX ix_outbox_pending ON outbox (seq) WHERE state = 'pending';
        CREATE TABLE identities (
            issuer TEXT NOT NULL,
            subject TEXT NOT NULL,
            name TEXT,
            email TEXT NOT NULL,
            email_key TEXT NOT NULL,
            groups TEXT NOT NULL,
            last_seen INTEGER NOT NULL,
            PRIMARY KEY (issuer, subject)
        );
        CREATE INDEX ix_identities_email ON identities (email_key);
        """,
        """
        CREATE INDEX ix_audit_approval ON audit (approval_id, seq) WHERE approval_id IS NOT NULL;
        CREATE TABLE message_refs (
            approval_id TEXT NOT NULL,
            channel TEXT NOT NULL,
            ref TEXT NOT NULL,
            PRIMARY KEY (approval_id, channel)
        );
        """,
    ];
}
