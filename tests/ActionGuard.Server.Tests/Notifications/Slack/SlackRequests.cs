using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ActionGuard.Server.Notifications;
using ActionGuard.Server.Notifications.Slack;

namespace ActionGuard.Server.Tests.Notifications.Slack;

// Interactions as Slack sends them: a form field "payload" with JSON, signed with the app's signing secret.
public static class SlackRequests
{
    public const string SigningSecret = "slack-signing-secret-0123";
    public const string BotToken = "xoxb-test-token";

    public static async Task<LocalReceiver> StartSlackAsync(Func<ReceivedRequest, string?>? reply = null)
    {
        var slack = await LocalReceiver.StartAsync();
        slack.Reply = r => Task.FromResult((200, reply?.Invoke(r) ?? (r.Path == "/api/chat.postMessage"
            ? "{\"ok\":true,\"channel\":\"C-POSTED\",\"ts\":\"1700000000.000100\"}"
            : "{\"ok\":true}")));
        return slack;
    }

    /// <summary>A Slack app posting to <paramref name="slack"/>, with U-ALICE linked to alice at <paramref name="issuer"/>.</summary>
    public static void Configure(Dictionary<string, string?> s, LocalReceiver slack, string issuer)
    {
        const string Prefix = "ActionGuard:Notifications:Slack:";
        s[Prefix + "BotToken"] = BotToken;
        s[Prefix + "Channel"] = "C-APPROVALS";
        s[Prefix + "ApiBaseUrl"] = new Uri(slack.BaseAddress, "api/").AbsoluteUri;
        s[Prefix + "SigningSecret"] = SigningSecret;
        s[Prefix + "Users:0:SlackUserId"] = "U-ALICE";
        s[Prefix + "Users:0:Issuer"] = issuer;
        s[Prefix + "Users:0:Subject"] = "alice";
    }

    public static JsonObject BlockAction(string user, string actionId, string approvalId) => new()
    {
        ["type"] = "block_actions",
        ["user"] = new JsonObject { ["id"] = user },
        ["channel"] = new JsonObject { ["id"] = "C-POSTED" },
        ["trigger_id"] = "trigger-123",
        ["actions"] = new JsonArray(new JsonObject { ["action_id"] = actionId, ["value"] = approvalId }),
    };

    public static JsonObject DenySubmission(string user, string approvalId, string reason) => new()
    {
        ["type"] = "view_submission",
        ["user"] = new JsonObject { ["id"] = user },
        ["view"] = new JsonObject
        {
            ["callback_id"] = SlackMessages.DenyCallback,
            ["private_metadata"] = approvalId,
            ["state"] = new JsonObject
            {
                ["values"] = new JsonObject { ["reason"] = new JsonObject { ["reason"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = reason } } },
            },
        },
    };

    public static async Task<HttpResponseMessage> PostInteractionAsync(HttpClient client, JsonObject payload)
    {
        var body = "payload=" + Uri.EscapeDataString(payload.ToJsonString());
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, SlackInteractions.Path.TrimStart('/'))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add(SlackSignature.TimestampHeader, timestamp);
        request.Headers.Add(SlackSignature.SignatureHeader, SlackSignature.Sign(SigningSecret, timestamp, Encoding.UTF8.GetBytes(body)));
        return await client.SendAsync(request);
    }
}
