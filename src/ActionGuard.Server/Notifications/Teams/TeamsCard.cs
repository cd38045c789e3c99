using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ActionGuard.Client;

namespace ActionGuard.Server.Notifications.Teams;

/// <summary>
/// The Adaptive Card sent to Teams: the same facts as the Slack message. Approve and Deny open the review page, where
/// identity comes from the IdP; nothing is decided from Teams itself.
/// </summary>
internal static class TeamsCard
{
    private const int MaxPreviewArguments = 10;
    private const int MaxPreviewValue = 80;

    public static byte[] Build(NotificationEvent notification)
    {
        var a = notification.Approval;
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "message");
            w.WriteStartArray("attachments");
            w.WriteStartObject();
            w.WriteString("contentType", "application/vnd.microsoft.card.adaptive");
            w.WriteNull("contentUrl");
            w.WriteStartObject("content");
            w.WriteString("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
            w.WriteString("type", "AdaptiveCard");
            w.WriteString("version", "1.4");
            w.WriteStartArray("body");
            Text(w, Title(notification), "Bolder", "Medium", monospace: false);
            w.WriteStartObject();
            w.WriteString("type", "FactSet");
            w.WriteStartArray("facts");
            Fact(w, "Action", a.Action.Name);
            Fact(w, "Kind", a.Action.Kind);
            Fact(w, "Agent", a.AgentId);
            Fact(w, "Initiator", a.Initiator is { } i ? (i.Name ?? i.Subject) + (i.Email is { } e ? $" ({e})" : string.Empty) : "—");
            Fact(w, "Resource", a.Action.Resource ?? "—");
            Fact(w, "Destination", a.Action.Destination ?? "—");
            Fact(w, "Environment", a.Action.Environment ?? "—");
            Fact(w, "Data classes", DataClassSummary.Format(a));
            Fact(w, "Policy", $"{a.Policy.Rule ?? "default"} · {a.Policy.MinApprovals.ToString(CultureInfo.InvariantCulture)} approval(s)"
                + (a.Policy.ApproverGroups.Count > 0 ? " · " + string.Join(", ", a.Policy.ApproverGroups) : string.Empty));
            Fact(w, a.Status == ApprovalStatus.Approved ? "Claim by" : "Expires", NotificationPayload.FormatTime(a.ExpiresAt));
            if (a.Justification is { } justification)
            {
                Fact(w, "Justification", justification);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            Text(w, "Arguments (as sent; sensitive values masked by the agent)", "Bolder", null, monospace: false);
            Text(w, Preview(a.Arguments), null, null, monospace: true);
            foreach (var d in a.Decisions)
            {
                Text(
                    w,
                    $"{(d.Verdict == ApprovalVerdict.Approve ? "Approved" : "Denied")} by {d.Approver.Name ?? d.Approver.Subject} at {NotificationPayload.FormatTime(d.At)}"
                        + (d.Reason is { } reason ? ": " + reason : string.Empty),
                    null,
                    null,
                    monospace: false);
            }

            w.WriteEndArray();
            w.WriteStartArray("actions");
            if (notification.ReviewUrl is { } url)
            {
                if (a.Status == ApprovalStatus.Pending)
                {
                    OpenUrl(w, "Approve", url);
                    OpenUrl(w, "Deny", url);
                }
                else
                {
                    OpenUrl(w, "Open review page", url);
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string Title(NotificationEvent notification)
    {
        var a = notification.Approval;
        var prefix = notification.Type == NotificationEventTypes.Reminder
            ? "Reminder: approval still needed"
            : a.Status switch
            {
                ApprovalStatus.Pending => "Approval requested",
                ApprovalStatus.Approved => "Approved",
                ApprovalStatus.Denied => "Denied",
                ApprovalStatus.Expired => "Expired",
                ApprovalStatus.Cancelled => "Cancelled",
                ApprovalStatus.Succeeded => "Done",
                ApprovalStatus.Failed => "Failed",
                _ => NotificationEventTypes.StatusName(a.Status),
            };
        return prefix + ": " + a.Action.Name;
    }

    private static string Preview(IReadOnlyDictionary<string, JsonElement> arguments)
    {
        if (arguments.Count == 0)
        {
            return "none";
        }

        var text = new StringBuilder();
        foreach (var (name, value) in arguments.Take(MaxPreviewArguments))
        {
            var raw = value.GetRawText();
            text.Append(name).Append(": ").Append(raw.Length <= MaxPreviewValue ? raw : string.Concat(raw.AsSpan(0, MaxPreviewValue - 1), "…")).Append('\n');
        }

        if (arguments.Count > MaxPreviewArguments)
        {
            text.Append(CultureInfo.InvariantCulture, $"… and {arguments.Count - MaxPreviewArguments} more\n");
        }

        return text.ToString().TrimEnd('\n');
    }

    private static void Text(Utf8JsonWriter w, string text, string? weight, string? size, bool monospace)
    {
        w.WriteStartObject();
        w.WriteString("type", "TextBlock");
        w.WriteString("text", text);
        w.WriteBoolean("wrap", true);
        if (weight is not null)
        {
            w.WriteString("weight", weight);
        }

        if (size is not null)
        {
            w.WriteString("size", size);
        }

        if (monospace)
        {
            w.WriteString("fontType", "Monospace");
        }

        w.WriteEndObject();
    }

    private static void Fact(Utf8JsonWriter w, string title, string value)
    {
        w.WriteStartObject();
        w.WriteString("title", title);
        w.WriteString("value", value);
        w.WriteEndObject();
    }

    private static void OpenUrl(Utf8JsonWriter w, string title, Uri url)
    {
        w.WriteStartObject();
        w.WriteString("type", "Action.OpenUrl");
        w.WriteString("title", title);
        w.WriteString("url", url.AbsoluteUri);
        w.WriteEndObject();
    }
}
