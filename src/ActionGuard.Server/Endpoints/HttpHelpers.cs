using ActionGuard.Client;
using System.Buffers;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ActionGuard.Server.Approvals;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ActionGuard.Server.Endpoints;

/// <summary>Bodies in, JSON and problem+json out, without MVC.</summary>
internal static class HttpHelpers
{
    public const string ProblemMediaType = "application/problem+json";

    /// <summary>Reads the body up to <see cref="ServerLimitsOptions.MaxBodyBytes"/>; larger bodies are a 413 problem.</summary>
    public static async Task<(ReadOnlyMemory<byte> Body, ApiProblem? Problem)> ReadBodyAsync(HttpContext context)
    {
        var max = ServerLimitsOptions.MaxBodyBytes;
        if (context.Request.ContentLength > max)
        {
            return (default, TooLarge());
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = max + 1;
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(4096);
                var read = await context.Request.Body.ReadAsync(memory, context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > max)
                {
                    return (default, TooLarge());
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (default, TooLarge());
        }

        return (buffer.WrittenMemory, null);
    }

    public static Task WriteJsonAsync<T>(HttpContext context, int status, T value, JsonTypeInfo<T> typeInfo)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, value, typeInfo, context.RequestAborted);
    }

    public static async Task WriteProblemAsync(HttpContext context, ApiProblem problem)
    {
        context.Response.StatusCode = problem.Status;
        context.Response.ContentType = ProblemMediaType;
        if (problem.Status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        if (problem.RetryAfterSeconds is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteProblem(writer, problem, context.Request.Path.Value);
        }

        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="problem"/> as an RFC 9457 problem object (a reply's body, or one item's answer in a batch).</summary>
    public static void WriteProblem(Utf8JsonWriter writer, ApiProblem problem, string? instance)
    {
        writer.WriteStartObject();
        writer.WriteString("type", problem.Type);
        writer.WriteString("title", problem.Title);
        writer.WriteNumber("status", problem.Status);
        writer.WriteString("detail", problem.Detail);
        writer.WriteString("instance", instance);
        if (problem.Errors is { } errors)
        {
            writer.WriteStartObject("errors");
            foreach (var (field, messages) in errors)
            {
                writer.WriteStartArray(field);
                foreach (var message in messages)
                {
                    writer.WriteStringValue(message);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    public static string RequestIssuer(HttpContext context, ActionGuardServerOptions options) =>
        options.TokenIssuer ?? $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}".TrimEnd('/');

    private static ApiProblem TooLarge() => new(ProtocolProblems.BodyTooLarge, $"Request bodies may be at most {ServerLimitsOptions.MaxBodyBytes} bytes.",
        new Dictionary<string, string[]>(StringComparer.Ordinal) { ["body"] = [$"At most {ServerLimitsOptions.MaxBodyBytes} bytes."] });
}
