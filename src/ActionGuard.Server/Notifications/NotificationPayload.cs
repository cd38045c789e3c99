using System.Buffers;
using System.Globalization;
using System.Text.Json;
using ActionGuard.Client;

namespace ActionGuard.Server.Notifications;

/// <summary>The JSON body of a generic webhook event: <c>{id, type, at, approval}</c>, property order fixed.</summary>
internal static class NotificationPayload
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    public static byte[] Build(NotificationEvent notification)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("id", notification.Id);
            w.WriteString("type", notification.Type);
            w.WriteString("at", FormatTime(notification.At));
            w.WriteStartObject("approval");
            WriteApproval(w, notification);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string FormatTime(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string VerdictName(ApprovalVerdict verdict) => verdict == ApprovalVerdict.Approve ? "approve" : "deny";

    private static void WriteApproval(Utf8JsonWriter w, NotificationEvent notification)
    {
        var a = notification.Approval;
        w.WriteString("id", a.Id);
        w.WriteString("status", NotificationEventTypes.StatusName(a.Status));
        w.WriteStartObject("action");
        w.WriteString("kind", a.Action.Kind);
        w.WriteString("name", a.Action.Name);
        WriteOptional(w, "resource", a.Action.Resource);
        WriteOptional(w, "destination", a.Action.Destination);
        WriteOptional(w, "environment", a.Action.Environment);
        w.WriteEndObject();
        w.WriteString("agentId", a.AgentId);
        WriteParty(w, "initiator", a.Initiator);
        WriteOptional(w, "justification", a.Justification);
        w.WriteStartObject("dataClasses");
        foreach (var (name, count) in a.DataClasses.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WriteNumber(name, count);
        }

        w.WriteEndObject();
        if (a.DataSamples.Count > 0)
        {
            w.WriteStartObject("dataSamples");
            foreach (var (name, samples) in a.DataSamples.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WriteStartArray(name);
                foreach (var sample in samples)
                {
                    w.WriteStringValue(sample);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        // Arguments as the agent sent them: the SDK has already redacted [Sensitive] values and masked classified data.
        w.WriteStartObject("arguments");
        foreach (var (name, value) in a.Arguments)
        {
            w.WritePropertyName(name);
            value.WriteTo(w);
        }

        w.WriteEndObject();
        w.WriteString("actionHash", a.ActionHash);
        w.WriteStartObject("policy");
        if (a.Policy.Rule is null)
        {
            w.WriteNull("rule");
        }
        else
        {
            w.WriteString("rule", a.Policy.Rule);
        }

        w.WriteNumber("minApprovals", a.Policy.MinApprovals);
        w.WriteStartArray("approverGroups");
        foreach (var group in a.Policy.ApproverGroups)
        {
            w.WriteStringValue(group);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartArray("decisions");
        foreach (var d in a.Decisions)
        {
            w.WriteStartObject();
            WriteParty(w, "approver", d.Approver);
            w.WriteString("verdict", VerdictName(d.Verdict));
            WriteOptional(w, "reason", d.Reason);
            w.WriteString("at", FormatTime(d.At));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("createdAt", FormatTime(a.CreatedAt));
        w.WriteString("expiresAt", FormatTime(a.ExpiresAt));
        WriteOptional(w, "outcomeError", a.OutcomeError);
        if (notification.ReviewUrl is { } url)
        {
            w.WriteString("reviewUrl", url.AbsoluteUri);
        }
    }

    private static void WriteParty(Utf8JsonWriter w, string name, ApprovalParty? party)
    {
        if (party is null)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        WriteOptional(w, "iss", party.Issuer);
        w.WriteString("sub", party.Subject);
        WriteOptional(w, "name", party.Name);
        WriteOptional(w, "email", party.Email);
        w.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
