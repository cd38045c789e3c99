using Npgsql;

namespace ActionGuard.Server.Store.Postgres;

/// <summary>What a PostgreSQL write runs on: the batch's connection and transaction.</summary>
internal sealed record WriterSession(NpgsqlConnection Connection, NpgsqlTransaction Transaction);
