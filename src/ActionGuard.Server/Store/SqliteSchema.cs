namespace ActionGuard.Server.Store;

/// <summary>
/// The SQLite schema as forward migrations: entry <c>i</c> takes the database from version <c>i</c> to <c>i + 1</c>.
/// Append new entries; never edit a released one.
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
    ];
}
