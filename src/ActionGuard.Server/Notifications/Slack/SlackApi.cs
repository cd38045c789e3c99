using System.Net.Http.Headers;
using System.Text.Json;
using ActionGuard.Server.Notifications.Webhooks;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Notifications.Slack;

/// <summary>Calls Slack's Web API with the bot token. Slack answers 200 with <c>ok: false</c> on errors; that throws too.</summary>
internal sealed class SlackApi
{
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly SlackOptions _options;

    public SlackApi(IHttpClientFactory httpClientFactory, IOptions<ActionGuardServerOptions> options)
    {
        _httpClientFactory = httpClientFactory;
        _options = options.Value.Notifications.Slack;
    }

    public bool Enabled => _options.BotToken is not null;

    /// <summary>Calls <paramref name="method"/> (e.g. <c>chat.postMessage</c>) with a JSON body and returns Slack's reply.</summary>
    public Task<JsonElement> CallAsync(string method, byte[] body, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return SendAsync(method, content, cancellationToken);
    }

    /// <summary>Calls a read method (e.g. <c>users.info</c>) with form arguments: Slack takes JSON bodies only for writes.</summary>
    public Task<JsonElement> CallFormAsync(string method, IEnumerable<KeyValuePair<string, string>> arguments, CancellationToken cancellationToken) =>
        SendAsync(method, new FormUrlEncodedContent(arguments), cancellationToken);

    private async Task<JsonElement> SendAsync(string method, HttpContent content, CancellationToken cancellationToken)
    {
        var url = new Uri(_options.ApiBaseUrl.TrimEnd('/') + "/" + method);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.BotToken);
        using var client = _httpClientFactory.CreateClient(NotificationServices.HttpClientName);
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new NotificationSendException("Slack " + method + ": HTTP " + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var json = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        JsonElement reply;
        try
        {
            using var document = JsonDocument.Parse(json);
            reply = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new NotificationSendException("Slack " + method + ": the reply is not JSON");
        }

        if (reply.ValueKind != JsonValueKind.Object || !reply.TryGetProperty("ok", out var ok) || ok.ValueKind != JsonValueKind.True)
        {
            var error = reply.ValueKind == JsonValueKind.Object && reply.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : "unknown";
            throw new NotificationSendException("Slack " + method + ": " + error);
        }

        return reply;
    }
}
