using System.Globalization;
using System.Net.Http.Headers;
using ActionGuard.Server.Notifications.Webhooks;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Notifications.Teams;

/// <summary>POSTs an Adaptive Card per event to the Teams webhook; incoming webhooks cannot edit, so each event is a new card.</summary>
internal sealed class TeamsChannel : INotificationChannel
{
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly Uri _url;

    public TeamsChannel(IHttpClientFactory httpClientFactory, IOptions<ActionGuardServerOptions> options)
    {
        _httpClientFactory = httpClientFactory;
        _url = new Uri(options.Value.Notifications.Teams.WebhookUrl!);
    }

    public string Name => "teams";

    public async Task SendAsync(NotificationEvent notification, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(TeamsCard.Build(notification)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var client = _httpClientFactory.CreateClient(NotificationServices.HttpClientName);
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new NotificationSendException("HTTP " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
        }
    }
}
