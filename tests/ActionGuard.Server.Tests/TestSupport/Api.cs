using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActionGuard.Server.Tests.TestSupport;

// Raw protocol calls, for the tests that check status codes and bodies rather than the SDK.
public static class Api
{
    public static string NewHash() => "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public static JsonObject Body(
        string kind = "data_export",
        string name = "Exporter.Export",
        string? environment = "prod",
        string? destination = "s3://exports/q3.csv",
        JsonObject? initiator = null)
    {
        var body = new JsonObject
        {
            ["action"] = new JsonObject
            {
                ["kind"] = kind,
                ["name"] = name,
                ["resource"] = "crm://customers",
                ["destination"] = destination,
                ["environment"] = environment,
            },
            ["arguments"] = new JsonObject { ["segment"] = "emea", ["limit"] = 100 },
            ["dataClasses"] = new JsonObject { ["email"] = 3 },
            ["justification"] = "quarterly report",
            ["actionHash"] = NewHash(),
        };
        if (initiator is not null)
        {
            body["initiator"] = initiator;
        }

        return body;
    }

    public static JsonObject Party(string subject, string? issuer) =>
        issuer is null ? new JsonObject { ["subject"] = subject } : new JsonObject { ["subject"] = subject, ["issuer"] = issuer };

    public static async Task<Reply> CreateAsync(HttpClient agent, JsonNode body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/approvals") { Content = Json(body.ToJsonString()) };
        if (idempotencyKey != string.Empty)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString("N"));
        }

        return await SendAsync(agent, request);
    }

    public static async Task<string> CreatePendingAsync(HttpClient agent, JsonNode? body = null)
    {
        var reply = await CreateAsync(agent, body ?? Body());
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        return reply.Id;
    }

    public static Task<Reply> DecideAsync(HttpClient approver, string id, string verdict = "approve", string? reason = null)
    {
        var body = new JsonObject { ["verdict"] = verdict };
        if (reason is not null)
        {
            body["reason"] = reason;
        }

        return PostAsync(approver, $"v1/approvals/{id}/decisions", body.ToJsonString());
    }

    public static Task<Reply> ClaimAsync(HttpClient agent, string id) => PostAsync(agent, $"v1/approvals/{id}/claim", null);

    public static Task<Reply> CancelAsync(HttpClient agent, string id) => PostAsync(agent, $"v1/approvals/{id}/cancel", null);

    public static Task<Reply> OutcomeAsync(HttpClient agent, string id, string status) =>
        PostAsync(agent, $"v1/approvals/{id}/outcome", new JsonObject { ["status"] = status }.ToJsonString());

    public static Task<Reply> GetAsync(HttpClient client, string path) => SendAsync(client, new HttpRequestMessage(HttpMethod.Get, path));

    public static async Task<Reply> PostAsync(HttpClient client, string path, string? json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = json is null ? null : Json(json) };
        return await SendAsync(client, request);
    }

    public static async Task<Reply> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text, response.Headers);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public sealed record Reply(HttpStatusCode Status, string? MediaType, string Text, System.Net.Http.Headers.HttpResponseHeaders Headers)
    {
        public JsonNode Json => JsonNode.Parse(Text)!;

        public string Id => (string)Json["id"]!;

        public string? ApprovalStatus => (string?)Json["status"];

        public string? ProblemType => (string?)Json["type"];

        public bool HasError(string field) => Json["errors"]?[field] is not null;
    }
}
