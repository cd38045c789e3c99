using System.Text.Json;
using ActionGuard.Server.Audit;
using Microsoft.Data.Sqlite;

namespace ActionGuard.TestSupport;

// What someone with write access to the SQLite database can do to the audit log without the server: cut records from
// the end, or change one and recompute every hash after it so the chain verifies again.
public static class AuditForger
{
    public static void Truncate(string databasePath, long keep)
    {
        using var connection = Open(databasePath);
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM audit WHERE seq > $keep";
        command.Parameters.AddWithValue("$keep", keep);
        command.ExecuteNonQuery();
    }

    /// <summary>Changes one record's actor in place and leaves every hash as it was, as a careless database edit would.</summary>
    public static void EditActorInPlace(string databasePath, long seq, string actor)
    {
        using var connection = Open(databasePath);
        using var write = connection.CreateCommand();
        write.CommandText = "UPDATE audit SET actor = $actor WHERE seq = $seq";
        write.Parameters.AddWithValue("$actor", actor);
        write.Parameters.AddWithValue("$seq", seq);
        write.ExecuteNonQuery();
    }

    public static void RewriteActor(string databasePath, long seq, string actor)
    {
        using var connection = Open(databasePath);
        var rows = new List<(long Seq, string At, string Type, string? ApprovalId, string Actor, string Data)>();
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT seq, at, type, approval_id, actor, data FROM audit ORDER BY seq";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.GetString(5)));
            }
        }

        var previous = AuditChain.GenesisHash;
        foreach (var row in rows)
        {
            var rowActor = row.Seq == seq ? actor : row.Actor;
            using var data = JsonDocument.Parse(row.Data);
            var hash = AuditChain.ComputeHash(previous, row.Seq, row.At, row.Type, row.ApprovalId, rowActor, data.RootElement);
            using var write = connection.CreateCommand();
            write.CommandText = "UPDATE audit SET actor = $actor, prev_hash = $prev, hash = $hash WHERE seq = $seq";
            write.Parameters.AddWithValue("$actor", rowActor);
            write.Parameters.AddWithValue("$prev", previous);
            write.Parameters.AddWithValue("$hash", hash);
            write.Parameters.AddWithValue("$seq", row.Seq);
            write.ExecuteNonQuery();
            previous = hash;
        }
    }

    private static SqliteConnection Open(string databasePath)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
