using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using ActionGuard.Server.Notifications;
using ActionGuard.Server.Notifications.Webhooks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Audit;

/// <summary>
/// Exports a signed checkpoint every <see cref="AuditOptions.CheckpointInterval"/> while the log grows, and one when
/// the server stops, to the configured file and webhook. A failed export is logged and retried with the next, which
/// covers everything the failed one did.
/// </summary>
internal sealed class AuditCheckpointExporter : BackgroundService
{
    private readonly AuditCheckpoints _checkpoints;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly AuditOptions _options;
    private readonly string? _file;
    private readonly string _issuer;
    private long _exported = -1;

    public AuditCheckpointExporter(
        AuditCheckpoints checkpoints,
        IHttpClientFactory httpClientFactory,
        TimeProvider timeProvider,
        IOptions<ActionGuardServerOptions> options,
        IHostEnvironment environment,
        ILogger<AuditCheckpointExporter> logger)
    {
        _checkpoints = checkpoints;
        _httpClientFactory = httpClientFactory;
        _timeProvider = timeProvider;
        _logger = logger;
        _options = options.Value.Audit;
        _file = _options.CheckpointFile is { Length: > 0 } file ? Path.GetFullPath(file, environment.ContentRootPath) : null;
        _issuer = options.Value.TokenIssuer ?? string.Empty;
    }

    private bool Enabled => _file is not null || _options.CheckpointWebhook.Url is not null;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (Enabled)
        {
            await ExportAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Exports a checkpoint now when the log has grown since the last export.</summary>
    internal async Task ExportAsync(CancellationToken cancellationToken)
    {
        try
        {
            var checkpoint = await _checkpoints.CreateAsync(size: null, _issuer, cancellationToken).ConfigureAwait(false);
            if (checkpoint is null || checkpoint.Size == Interlocked.Read(ref _exported))
            {
                return;
            }

            var line = checkpoint.ToJson();
            if (_file is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
                await File.AppendAllTextAsync(_file, line + "\n", new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            }

            if (_options.CheckpointWebhook is { Url: { } url, Secret: { } secret })
            {
                await PostAsync(new Uri(url), secret, line, cancellationToken).ConfigureAwait(false);
            }

            Interlocked.Exchange(ref _exported, checkpoint.Size);
            ServerLog.CheckpointExported(_logger, checkpoint.Size, checkpoint.Root);
        }
#pragma warning disable CA1031 // An export that fails must not stop the server; the next one covers the same records.
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            ServerLog.CheckpointExportFailed(_logger, ex);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.CheckpointInterval, _timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await ExportAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task PostAsync(Uri url, string secret, string checkpoint, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes("{\"type\":\"audit.checkpoint\",\"checkpoint\":" + checkpoint + "}");
        var timestamp = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
        request.Headers.Add(WebhookSignature.EventHeader, "audit.checkpoint");
        request.Headers.Add(WebhookSignature.DeliveryHeader, "ckpt_" + Guid.NewGuid().ToString("N"));
        using var client = _httpClientFactory.CreateClient(NotificationServices.HttpClientName);
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new NotificationSendException("HTTP " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
        }
    }
}
