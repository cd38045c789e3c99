using System.Text.Json;
using ActionGuard.Client;
using Microsoft.AspNetCore.Http;

namespace ActionGuard.Tests.Client;

internal static class ClientTestData
{
    public const string ApiKey = "test-api-key";

    public static string ApprovalJson(string id, string status = "pending") =>
        $$"""
        {"id":"{{id}}","status":"{{status}}","action":{"kind":"data_export","name":"customers.export","destination":"s3://bucket"},
         "agentId":"agent-1","decisions":[],"createdAt":"2025-01-01T00:00:00Z","somethingNew":{"nested":true} }
        """;

    /// <summary>Options with millisecond delays so the suite stays fast; the circuit stays closed unless a test opens it.</summary>
    public static ApprovalClientOptions Options(Uri endpoint, Action<ApprovalResilienceOptions>? configure = null)
    {
        var options = new ApprovalClientOptions { Endpoint = endpoint, ApiKey = ApiKey };
        options.Resilience.MaxRetryAttempts = 2;
        options.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
        options.Resilience.AttemptTimeout = TimeSpan.FromSeconds(5);
        options.Resilience.TotalTimeout = TimeSpan.FromSeconds(15);
        options.Resilience.CircuitBreakerMinimumThroughput = 1000;
        configure?.Invoke(options.Resilience);
        return options;
    }

    public static CreateApprovalRequest CreateRequest() => new()
    {
        Action = new ApprovalAction { Kind = "data_export", Name = "customers.export", Destination = "s3://bucket" },
        Arguments = new Dictionary<string, JsonElement>
        {
            ["rowLimit"] = JsonSerializer.SerializeToElement(1000),
            ["email"] = JsonSerializer.SerializeToElement("***"),
        },
        DataClasses = new Dictionary<string, long> { ["email"] = 1204 },
        ActionHash = "sha256:" + new string('a', 64),
    };

    public static async Task WriteAsync(this HttpContext context, int statusCode, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body);
    }

    public static async Task<string> ReadBodyAsync(this HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        return await reader.ReadToEndAsync();
    }
}
