using System.Buffers;
using System.Text.Json;

namespace ActionGuard.Server.Audit;

/// <summary>Builds the <c>data</c> objects of audit records and the actor strings.</summary>
internal static class AuditData
{
    public const string System = "system";

    public static string Agent(string agentId) => "agent:" + agentId;

    public static string Person(ApprovalParty party) => "user:" + party.Subject + "@" + (party.Issuer ?? string.Empty);

    public static JsonElement Build(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    public static void WriteParty(Utf8JsonWriter writer, string name, ApprovalParty? party)
    {
        if (party is null)
        {
            writer.WriteNull(name);
            return;
        }

        writer.WriteStartObject(name);
        WriteOptional(writer, "iss", party.Issuer);
        writer.WriteString("sub", party.Subject);
        WriteOptional(writer, "name", party.Name);
        writer.WriteEndObject();
    }

    public static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
