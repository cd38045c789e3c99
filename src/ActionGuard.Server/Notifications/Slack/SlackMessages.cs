using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Server.Approvals;

namespace ActionGuard.Server.Notifications.Slack;

/// <summary>The Block Kit messages: the request with Approve/Deny buttons, and the same facts with the outcome.</summary>
internal static class SlackMessages
{
    public const string ApproveAction = "actionguard_approve";
    public const string DenyAction = "actionguard_deny";
    public const string OpenAction = "actionguard_open";
    public const string DenyCallback = "actionguard_deny_reason";
    public const string ReasonBlock = "reason";
    public const string ReasonInput = "reason";

    private const int MaxPreviewArguments = 10;
    private const int MaxPreviewValue = 80;

    /// <summary>The body of <c>chat.postMessage</c> (<paramref name="ts"/> null) or <c>chat.update</c>.</summary>
    public static byte[] Message(NotificationEvent notification, string channel, string? ts)
    {
        var a = notification.Approval;
        var pending = a.Status == ApprovalStatus.Pending;
        return Write(w =>
        {
            w.WriteString("channel", channel);
            if (ts is not null)
            {
                w.WriteString("ts", ts);
            }

            w.WriteString("text", Summary(a));
            w.WriteStartArray("blocks");
            Block(w, "header", () => PlainText(w, "text", Headline(a)));
            Block(w, "section", () =>
            {
                w.WriteStartArray("fields");
                Field(w, "Action", "`" + Escape(a.Action.Name) + "`");
                Field(w, "Kind", "`" + Escape(a.Action.Kind) + "`");
                Field(w, "Agent", Escape(a.AgentId));
                Field(w, "Initiator", Party(a.Initiator));
                Field(w, "Resource", Escape(a.Action.Resource ?? "—"));
                Field(w, "Destination", Escape(a.Action.Destination ?? "—"));
                Field(w, "Policy", Policy(a.Policy));
                Field(w, a.Status == ApprovalStatus.Approved ? "Claim by" : "Expires", Time(a.ExpiresAt));
                w.WriteEndArray();
            });
            Block(w, "section", () => Markdown(w, "text", "*Data classes*\n" + Escape(DataClassSummary.Format(a))));
            Block(w, "section", () => Markdown(w, "text", "*Arguments* (as sent; sensitive values masked by the agent)\n" + Preview(a.Arguments)));
            if (a.Justification is { } justification)
            {
                Block(w, "context", () =>
                {
                    w.WriteStartArray("elements");
                    w.WriteStartObject();
                    w.WriteString("type", "mrkdwn");
                    w.WriteString("text", "Justification: " + Escape(Truncate(justification, 300)));
                    w.WriteEndObject();
                    w.WriteEndArray();
                });
            }

            if (!pending)
            {
                Block(w, "section", () => Markdown(w, "text", Outcome(a)));
            }

            Block(w, "actions", () =>
            {
                w.WriteString("block_id", "actionguard");
                w.WriteStartArray("elements");
                if (pending)
                {
                    Button(w, ApproveAction, "Approve", a.Id, "primary", null);
                    Button(w, DenyAction, "Deny", a.Id, "danger", null);
                }

                if (notification.ReviewUrl is { } url)
                {
                    Button(w, OpenAction, "Open review page", a.Id, null, url.AbsoluteUri);
                }

                w.WriteEndArray();
            });
            w.WriteEndArray();
        });
    }

    /// <summary>The threaded reply sent as a reminder.</summary>
    public static byte[] Reminder(NotificationEvent notification, string channel, string? threadTs)
    {
        var a = notification.Approval;
        return Write(w =>
        {
            w.WriteString("channel", channel);
            if (threadTs is not null)
            {
                w.WriteString("thread_ts", threadTs);
                w.WriteBoolean("reply_broadcast", true);
            }

            w.WriteString("text", $"Reminder: {Escape(a.Action.Name)} ({Escape(a.Action.Kind)}) by {Escape(a.AgentId)} still needs a decision; it expires {Time(a.ExpiresAt)}.");
        });
    }

    /// <summary>The modal that asks for the reason of a denial (<c>views.open</c>).</summary>
    public static byte[] DenyModal(string triggerId, ApprovalRecord approval) => Write(w =>
    {
        w.WriteString("trigger_id", triggerId);
        w.WriteStartObject("view");
        w.WriteString("type", "modal");
        w.WriteString("callback_id", DenyCallback);
        w.WriteString("private_metadata", approval.Id);
        PlainText(w, "title", "Deny request");
        PlainText(w, "submit", "Deny");
        PlainText(w, "close", "Cancel");
        w.WriteStartArray("blocks");
        Block(w, "section", () => Markdown(w, "text", $"Deny *{Escape(approval.Action.Name)}* (`{Escape(approval.Action.Kind)}`) requested by {Escape(approval.AgentId)}?"));
        Block(w, "input", () =>
        {
            w.WriteString("block_id", ReasonBlock);
            PlainText(w, "label", "Reason");
            w.WriteStartObject("element");
            w.WriteString("type", "plain_text_input");
            w.WriteString("action_id", ReasonInput);
            w.WriteBoolean("multiline", true);
            w.WriteNumber("max_length", 1000);
            w.WriteEndObject();
        });
        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static byte[] Ephemeral(string channel, string user, string text) => Write(w =>
    {
        w.WriteString("channel", channel);
        w.WriteString("user", user);
        w.WriteString("text", text);
    });

    /// <summary>Escapes the three characters Slack's mrkdwn treats as control characters.</summary>
    public static string Escape(string value) =>
        value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Headline(ApprovalRecord a) => a.Status switch
    {
        ApprovalStatus.Pending => "Approval requested: " + Truncate(a.Action.Name, 120),
        ApprovalStatus.Approved => "Approved: " + Truncate(a.Action.Name, 120),
        ApprovalStatus.Denied => "Denied: " + Truncate(a.Action.Name, 120),
        ApprovalStatus.Expired => "Expired: " + Truncate(a.Action.Name, 120),
        ApprovalStatus.Cancelled => "Cancelled: " + Truncate(a.Action.Name, 120),
        ApprovalStatus.Succeeded => "Done: " + Truncate(a.Action.Name, 120),
        ApprovalStatus.Failed => "Failed: " + Truncate(a.Action.Name, 120),
        _ => Truncate(a.Action.Name, 120),
    };

    private static string Summary(ApprovalRecord a) =>
        Escape($"{Headline(a)} ({a.Action.Kind}) by {a.AgentId}");

    private static string Outcome(ApprovalRecord a)
    {
        var text = new StringBuilder("*" + NotificationEventTypes.StatusName(a.Status) + "*");
        foreach (var d in a.Decisions)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n{(d.Verdict == ApprovalVerdict.Approve ? "Approved" : "Denied")} by {Party(d.Approver)} {Time(d.At)}");
            if (d.Reason is { } reason)
            {
                text.Append(": ").Append(Escape(Truncate(reason, 300)));
            }
        }

        if (a.OutcomeError is { } error)
        {
            text.Append("\nError: ").Append(Escape(Truncate(error, 300)));
        }

        return text.ToString();
    }

    private static string Party(ApprovalParty? party)
    {
        if (party is null)
        {
            return "—";
        }

        var name = party.Name ?? party.Subject;
        return Escape(party.Email is { } email ? $"{name} ({email})" : name);
    }

    private static string Policy(ApprovalPolicy policy)
    {
        var text = $"{policy.Rule ?? "default"} · {policy.MinApprovals.ToString(CultureInfo.InvariantCulture)} approval(s)";
        if (policy.ApproverGroups.Count > 0)
        {
            text += " · " + string.Join(", ", policy.ApproverGroups);
        }

        return Escape(text);
    }

    private static string Preview(IReadOnlyDictionary<string, JsonElement> arguments)
    {
        if (arguments.Count == 0)
        {
            return "none";
        }

        var text = new StringBuilder("```");
        foreach (var (name, value) in arguments.Take(MaxPreviewArguments))
        {
            text.Append(Escape(name)).Append(": ").Append(Escape(Truncate(value.GetRawText(), MaxPreviewValue))).Append('\n');
        }

        if (arguments.Count > MaxPreviewArguments)
        {
            text.Append(CultureInfo.InvariantCulture, $"… and {arguments.Count - MaxPreviewArguments} more\n");
        }

        return text.Append("```").ToString();
    }

    // Slack renders <!date^…> in each reader's time zone; the fallback after | is UTC.
    private static string Time(DateTimeOffset at) =>
        $"<!date^{at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}^{{date_short_pretty}} {{time}}|{NotificationPayload.FormatTime(at)}>";

    private static string Truncate(string value, int max) => value.Length <= max ? value : string.Concat(value.AsSpan(0, max - 1), "…");

    private static void Block(Utf8JsonWriter w, string type, Action body)
    {
        w.WriteStartObject();
        w.WriteString("type", type);
        body();
        w.WriteEndObject();
    }

    private static void Field(Utf8JsonWriter w, string label, string value)
    {
        w.WriteStartObject();
        w.WriteString("type", "mrkdwn");
        w.WriteString("text", $"*{label}*\n{value}");
        w.WriteEndObject();
    }

    private static void PlainText(Utf8JsonWriter w, string name, string text)
    {
        w.WriteStartObject(name);
        w.WriteString("type", "plain_text");
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    private static void Markdown(Utf8JsonWriter w, string name, string text)
    {
        w.WriteStartObject(name);
        w.WriteString("type", "mrkdwn");
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    private static void Button(Utf8JsonWriter w, string actionId, string text, string value, string? style, string? url)
    {
        w.WriteStartObject();
        w.WriteString("type", "button");
        w.WriteString("action_id", actionId);
        PlainText(w, "text", text);
        w.WriteString("value", value);
        if (style is not null)
        {
            w.WriteString("style", style);
        }

        if (url is not null)
        {
            w.WriteString("url", url);
        }

        w.WriteEndObject();
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
