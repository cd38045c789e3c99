using System.Globalization;
using Microsoft.Extensions.Http.Logging;
using Microsoft.Extensions.Logging;

namespace ActionGuard.Server.Notifications;

/// <summary>
/// Logs the notification channels' HTTP calls in place of HttpClient's own logging, which writes whole URLs at
/// Information: a Teams workflow or webhook URL is itself the secret that lets anyone post to the channel. Only the
/// origin (scheme, host and port), the status and the time are written; never a path, a query or a header.
/// </summary>
internal sealed class NotificationHttpLogger : IHttpClientLogger
{
    private readonly ILogger _logger;

    public NotificationHttpLogger(ILogger<NotificationHttpLogger> logger)
    {
        _logger = logger;
    }

    public object? LogRequestStart(HttpRequestMessage request) => null;

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed) =>
        NotificationLog.HttpCompleted(_logger, request.Method.Method, Origin(request.RequestUri), (int)response.StatusCode, Milliseconds(elapsed));

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed) =>
        NotificationLog.HttpFailed(_logger, request.Method.Method, Origin(request.RequestUri), exception.GetType().Name, Milliseconds(elapsed));

    private static string Origin(Uri? uri) => uri is { IsAbsoluteUri: true } ? uri.GetLeftPart(UriPartial.Authority) : "(relative)";

    private static string Milliseconds(TimeSpan elapsed) => elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);
}
