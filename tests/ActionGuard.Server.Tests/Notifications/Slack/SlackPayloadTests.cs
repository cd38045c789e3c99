using System.Text;
using ActionGuard.Server.Notifications;
using ActionGuard.Server.Notifications.Slack;

namespace ActionGuard.Server.Tests.Notifications.Slack;

public sealed class SlackPayloadTests
{
    [Fact]
    public void The_request_message_matches_its_golden_file()
    {
        var body = SlackMessages.Message(Samples.Event(NotificationEventTypes.Requested, Samples.Pending()), "C0123", null);

        Golden.Verify("slack.requested", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void The_in_place_update_with_the_decision_matches_its_golden_file()
    {
        var body = SlackMessages.Message(Samples.Event("approval.denied", Samples.Denied()), "C0123", "1700000000.000100");

        Golden.Verify("slack.denied-update", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void The_deny_reason_modal_matches_its_golden_file()
    {
        var body = SlackMessages.DenyModal("trigger-1", Samples.Pending());

        Golden.Verify("slack.deny-modal", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void Text_from_the_request_cannot_inject_slack_markup()
    {
        var record = Samples.Pending() with { AgentId = "<!channel> & <https://evil.example|click>" };
        var body = SlackMessages.Message(Samples.Event(NotificationEventTypes.Requested, record), "C0123", null);

        // Every string Slack parses as mrkdwn (the fallback text and mrkdwn objects) carries the agent id escaped.
        var parsed = new List<string>();
        using var document = System.Text.Json.JsonDocument.Parse(body);
        parsed.Add(document.RootElement.GetProperty("text").GetString()!);
        Collect(document.RootElement, parsed);
        Assert.Contains(parsed, t => t.Contains("&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;", StringComparison.Ordinal));
        Assert.DoesNotContain(parsed, t => t.Contains("<!channel>", StringComparison.Ordinal) || t.Contains("<https://evil", StringComparison.Ordinal));
    }

    [Fact]
    public void A_slack_signature_outside_five_minutes_or_over_another_body_is_refused()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var body = Encoding.UTF8.GetBytes("payload=%7B%7D");
        var signature = SlackSignature.Sign("signing-secret", "1700000000", body);

        Assert.True(SlackSignature.Verify("signing-secret", "1700000000", signature, body, now.AddMinutes(4)));
        Assert.False(SlackSignature.Verify("signing-secret", "1700000000", signature, body, now.AddMinutes(6)));
        Assert.False(SlackSignature.Verify("signing-secret", "1700000000", signature, Encoding.UTF8.GetBytes("payload=%7B%7E"), now));
        Assert.False(SlackSignature.Verify("other-secret", "1700000000", signature, body, now));
        Assert.False(SlackSignature.Verify("signing-secret", null, signature, body, now));
    }

    private static void Collect(System.Text.Json.JsonElement element, List<string> parsed)
    {
        if (element.ValueKind == System.Text.Json.JsonValueKind.Object)
        {
            if (element.TryGetProperty("type", out var type) && type.GetString() == "mrkdwn")
            {
                parsed.Add(element.GetProperty("text").GetString()!);
            }

            foreach (var property in element.EnumerateObject())
            {
                Collect(property.Value, parsed);
            }
        }
        else if (element.ValueKind == System.Text.Json.JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Collect(item, parsed);
            }
        }
    }
}
