using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ActionGuard.Hashing;

namespace ActionGuard.Server.Audit;

/// <summary>
/// The hash chain: <c>hash</c> = lowercase hex SHA-256 of the UTF-8 <c>prevHash</c> followed by the RFC 8785 canonical
/// JSON of <c>{seq, at, type, approvalId, actor, data}</c>; the first record's <c>prevHash</c> is 64 zeros.
/// </summary>
internal static class AuditChain
{
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>The one text form of <c>at</c> that is hashed and returned, so a record re-verifies byte for byte.</summary>
    public static string FormatTime(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The time a record appended after <paramref name="previous"/> (the last record's <see cref="FormatTime"/> form, or
    /// empty) carries: its own, unless that is earlier. Stores stamp entries before they hold the chain's tail, so
    /// without this a record could carry an earlier time than the one before it.
    /// </summary>
    public static string TimeAfter(DateTimeOffset at, string previous)
    {
        var text = FormatTime(at);
        return string.CompareOrdinal(text, previous) < 0 ? previous : text;
    }

    public static string ComputeHash(string prevHash, long seq, string at, string type, string? approvalId, string actor, JsonElement data)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq", seq);
            writer.WriteString("at", at);
            writer.WriteString("type", type);
            if (approvalId is null)
            {
                writer.WriteNull("approvalId");
            }
            else
            {
                writer.WriteString("approvalId", approvalId);
            }

            writer.WriteString("actor", actor);
            writer.WritePropertyName("data");
            data.WriteTo(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        var canonical = CanonicalJson.Serialize(document.RootElement);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(prevHash));
        sha.AppendData(canonical);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public static bool Verifies(AuditRecord record, string expectedPrevHash) =>
        string.Equals(record.PrevHash, expectedPrevHash, StringComparison.Ordinal)
        && string.Equals(
            record.Hash,
            ComputeHash(record.PrevHash, record.Seq, record.At, record.Type, record.ApprovalId, record.Actor, record.Data),
            StringComparison.Ordinal);
}
