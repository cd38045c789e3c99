using Microsoft.Data.Sqlite;

namespace ActionGuard.Server.Store.Sqlite;

/// <summary>What a SQLite write runs on: the writer connection and the batch's transaction.</summary>
internal sealed record WriterSession(SqliteConnection Connection, SqliteTransaction Transaction);
