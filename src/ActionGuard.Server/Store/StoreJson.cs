using System.Data.Common;
using ActionGuard.Server.Audit;
using System.Text.Json;
using ActionGuard.Server.Approvals;

namespace ActionGuard.Server.Store;

/// <summary>The JSON forms every store keeps records in, so a database moved between stores reads the same.</summary>
internal static class StoreJson
{
    public static string Serialize(ApprovalRecord record) => JsonSerializer.Serialize(record, ServerJsonContext.Default.ApprovalRecord);

    public static ApprovalRecord Deserialize(string data) =>
        JsonSerializer.Deserialize(data, ServerJsonContext.Default.ApprovalRecord) ?? throw new StoreException("A stored approval is JSON null.");

    public static string SerializeGroups(IReadOnlyList<string> groups)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var group in groups)
            {
                writer.WriteStringValue(group);
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public static string[] DeserializeGroups(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(g => g.GetString() ?? string.Empty).ToArray();
    }

    /// <summary>
    /// Maps one row of <c>SELECT seq, at, type, approval_id, actor, data, prev_hash, hash FROM audit</c>, the column order
    /// both stores read the log in.
    /// </summary>
    public static AuditRecord ReadAuditRecord(DbDataReader reader)
    {
        using var data = JsonDocument.Parse(reader.GetString(5));
        return new AuditRecord
        {
            Seq = reader.GetInt64(0),
            At = reader.GetString(1),
            Type = reader.GetString(2),
            ApprovalId = reader.IsDBNull(3) ? null : reader.GetString(3),
            Actor = reader.GetString(4),
            Data = data.RootElement.Clone(),
            PrevHash = reader.GetString(6),
            Hash = reader.GetString(7),
        };
    }
}
