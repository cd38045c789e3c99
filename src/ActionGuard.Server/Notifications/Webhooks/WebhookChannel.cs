using System.Globalization;
using System.Net.Http.Headers;

namespace ActionGuard.Server.Notifications.Webhooks;

/// <summary>POSTs every event to one subscriber as signed JSON; any 2xx is delivered, anything else is retried.</summary>
internal sealed class WebhookChannel : INotificationChannel
{
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _timeProvider;
    private readonly Uri _url;
    private readonly string _secret;

    public WebhookChannel(int index, WebhookSubscriberOptions options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider)
    {
        Name = "webhook:" + index.ToString(CultureInfo.InvariantCulture);
        _url = new Uri(options.Url!);
        _secret = options.Secret!;
        _httpClientFactory = httpClientFactory;
        _timeProvider = timeProvider;
    }

    public string Name { get; }

    public async Task SendAsync(NotificationEvent notification, CancellationToken cancellationToken)
    {
        var body = NotificationPayload.Build(notification);
        var timestamp = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(_secret, timestamp, body));
        request.Headers.Add(WebhookSignature.EventHeader, notification.Type);
        request.Headers.Add(WebhookSignature.DeliveryHeader, notification.Id);
        using var client = _httpClientFactory.CreateClient(NotificationServices.HttpClientName);
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new NotificationSendException("HTTP " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
        }
    }
}
