namespace ActionGuard.Server.Store.Postgres;

/// <summary>
/// The PostgreSQL schema as forward migrations: entry <c>i</c> takes the database from version <c>i</c> to <c>i + 1</c>.
/// Append new entries; never edit a released one. Version 1 holds what SQLite versions 1 to 3 hold, plus the one-row
/// <c>audit_tail</c> that serializes appends to the hash chain across instances and the outbox lease columns that keep
/// two instances from sending the same notification.
/// </summary>
internal static class PostgresSchema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE approvals (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id text NOT NULL UNIQUE,
            agent_id text NOT NULL,
            idempotency_key text NOT NULL,
            status text NOT NULL,
            expires_at timestamptz NOT NULL,
            data jsonb NOT NULL,
            UNIQUE (agent_id, idempotency_key)
        );
        CREATE INDEX ix_approvals_status ON approvals (status, seq);

        -- at and data are text, not timestamptz and jsonb: the hash covers their exact text.
        CREATE TABLE audit (
            seq bigint PRIMARY KEY,
            at text NOT NULL,
            type text NOT NULL,
            approval_id text,
            actor text NOT NULL,
            data text NOT NULL,
            prev_hash text NOT NULL,
            hash text NOT NULL
        );
        CREATE INDEX ix_audit_approval ON audit (approval_id, seq) WHERE approval_id IS NOT NULL;
        CREATE TABLE audit_tail (
            id integer PRIMARY KEY CHECK (id = 1),
            seq bigint NOT NULL,
            hash text NOT NULL,
            at text NOT NULL
        );
        INSERT INTO audit_tail (id, seq, hash, at) VALUES (1, 0, repeat('0', 64), '');

        CREATE TABLE signing_keys (
            kid text PRIMARY KEY,
            created_at timestamptz NOT NULL,
            retired_at timestamptz,
            private_key text NOT NULL
        );

        CREATE TABLE outbox (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            event_id text NOT NULL,
            type text NOT NULL,
            at timestamptz NOT NULL,
            channel text NOT NULL,
            approval_id text NOT NULL,
            approval jsonb NOT NULL,
            review_url text,
            state text NOT NULL,
            attempts integer NOT NULL,
            due_at timestamptz NOT NULL,
            last_error text,
            settled_at timestamptz,
            lease_owner text,
            lease_until timestamptz
        );
        CREATE INDEX ix_outbox_pending ON outbox (seq) WHERE state = 'pending';
        CREATE INDEX ix_outbox_pending_group ON outbox (approval_id, channel) WHERE state = 'pending';

        CREATE TABLE identities (
            issuer text NOT NULL,
            subject text NOT NULL,
            name text,
            email text NOT NULL,
            email_key text NOT NULL,
            groups jsonb NOT NULL,
            last_seen timestamptz NOT NULL,
            PRIMARY KEY (issuer, subject)
        );
        CREATE INDEX ix_identities_email ON identities (email_key);

        CREATE TABLE message_refs (
            approval_id text NOT NULL,
            channel text NOT NULL,
            ref text NOT NULL,
            PRIMARY KEY (approval_id, channel)
        );
        """,
    ];
}
