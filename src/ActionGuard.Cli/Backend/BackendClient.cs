using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Refit;

namespace ActionGuard.Cli.Backend;

/// <summary>
/// The approver and auditor endpoints (<see cref="IActionGuardServerApi"/>) over <see cref="HttpClient"/>. Replies are
/// read as <see cref="JsonDocument"/> (no reflection, so the tool stays trimming-safe); errors become
/// <see cref="CliException"/> with the server's problem+json title, detail and field errors.
/// </summary>
internal sealed class BackendClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly IActionGuardServerApi _api;
    private readonly Uri _server;

    public BackendClient(Uri server, string token, TimeSpan timeout)
    {
        _server = server;
        _http = new HttpClient { BaseAddress = new Uri(server.AbsoluteUri.TrimEnd('/') + "/"), Timeout = timeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _api = RestService.ForGenerated<IActionGuardServerApi>(_http);
    }

    public Task<JsonDocument> ListApprovalsAsync(int limit, string? status, string? cursor, CancellationToken cancellationToken) =>
        SendAsync(_api.ListApprovalsAsync(limit, status, cursor, cancellationToken), cancellationToken);

    public Task<JsonDocument> GetApprovalAsync(string id, CancellationToken cancellationToken) =>
        SendAsync(_api.GetApprovalAsync(id, cancellationToken), cancellationToken);

    public Task<JsonDocument> DecideAsync(string id, Action<Utf8JsonWriter> body, CancellationToken cancellationToken) =>
        SendAsync(_api.DecideAsync(id, Json(body), cancellationToken), cancellationToken);

    public Task<JsonDocument> ReadAuditAsync(long after, int limit, CancellationToken cancellationToken) =>
        SendAsync(_api.ReadAuditAsync(after, limit, cancellationToken), cancellationToken);

    public Task<JsonDocument> VerifyAuditAsync(CancellationToken cancellationToken) =>
        SendAsync(_api.VerifyAuditAsync(cancellationToken), cancellationToken);

    public Task<JsonDocument> GetAuditCheckpointsAsync(CancellationToken cancellationToken) =>
        SendAsync(_api.GetAuditCheckpointsAsync(cancellationToken), cancellationToken);

    public void Dispose() => _http.Dispose();

    private static ByteArrayContent Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            body(writer);
        }

        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private async Task<JsonDocument> SendAsync(Task<HttpResponseMessage> call, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await call.ConfigureAwait(false);
        }
        catch (Exception ex) when (Transport(ex) is HttpRequestException transport)
        {
            throw new CliException(ExitCodes.Unreachable, $"error: cannot reach the ActionGuard server at {_server}: {transport.Message}");
        }
        catch (Exception ex) when (Transport(ex) is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unreachable, $"error: the ActionGuard server at {_server} did not answer within {_http.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }

        using (response)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new CliException(ExitCodes.Refused, DescribeError(response.StatusCode, bytes));
            }

            try
            {
                return JsonDocument.Parse(bytes);
            }
            catch (JsonException)
            {
                throw new CliException(ExitCodes.Refused, $"error: the server at {_server} did not answer with JSON; is it an ActionGuard server?");
            }
        }
    }

    // Refit reports a failed send as ApiRequestException around what HttpClient threw.
    private static Exception Transport(Exception exception) => exception is ApiRequestException { InnerException: { } inner } ? inner : exception;

    /// <summary>Renders a problem+json reply as <c>error: title (status type)</c>, the detail and one line per field error.</summary>
    internal static string DescribeError(HttpStatusCode status, byte[] body)
    {
        var code = ((int)status).ToString(CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                var title = String(root, "title") ?? status.ToString();
                var type = String(root, "type");
                var name = type is null ? null : type[(type.LastIndexOf('/') + 1)..];
                text.Append("error: ").Append(title).Append(" (").Append(code).Append(name is null ? string.Empty : " " + name).Append(')');
                if (String(root, "detail") is { } detail)
                {
                    text.Append('\n').Append("  ").Append(detail);
                }

                if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in errors.EnumerateObject())
                    {
                        var messages = field.Value.ValueKind == JsonValueKind.Array
                            ? string.Join("; ", field.Value.EnumerateArray().Select(m => m.ToString()))
                            : field.Value.ToString();
                        text.Append('\n').Append("  ").Append(field.Name).Append(": ").Append(messages);
                    }
                }

                if (status == HttpStatusCode.Unauthorized)
                {
                    text.Append("\n  hint: the token (--token or $ACTIONGUARD_TOKEN) is missing, expired, or from an issuer this server does not trust.");
                }

                return text.ToString();
            }
        }
        catch (JsonException)
        {
        }

        return $"error: the server answered {code} {status} without a problem description.";
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
