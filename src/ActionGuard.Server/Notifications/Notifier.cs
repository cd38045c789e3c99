using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Audit;
using ActionGuard.Server.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Notifications;

/// <summary>
/// The notifier pipeline. The approval service hands it each committed change; it queues one delivery per channel and
/// returns at once, so a slow or failing receiver never holds up or decides a request. One background reader sends
/// the deliveries in order (a Slack update follows its post), retries a failure after an exponential, bounded delay on
/// the server's <see cref="TimeProvider"/>, and records each result in the audit log: <c>notified</c>, or
/// <c>notification_failed</c> after the last try.
/// </summary>
internal sealed class Notifier : BackgroundService
{
    private readonly Channel<Delivery> _queue = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, ITimer> _reminders = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ITimer, byte> _retries = new();
    private readonly INotificationChannel[] _channels;
    private readonly IApprovalStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly NotificationOptions _options;
    private readonly string? _reviewUrlBase;
    private readonly ILogger _logger;
    private volatile bool _stopped;

    public Notifier(
        IEnumerable<INotificationChannel> channels,
        IApprovalStore store,
        TimeProvider timeProvider,
        IOptions<ActionGuardServerOptions> options,
        ILogger<Notifier> logger)
    {
        _channels = channels.ToArray();
        _store = store;
        _timeProvider = timeProvider;
        _options = options.Value.Notifications;
        _reviewUrlBase = options.Value.ReviewUrlBase;
        _logger = logger;
    }

    /// <summary>Raised after a delivery's audit record is written; lets tests await results instead of sleeping.</summary>
    internal event Action<NotificationSettled>? Settled;

    /// <summary>Raised after a try failed and another one is scheduled.</summary>
    internal event Action<NotificationEvent, string, int>? AttemptFailed;

    public int PendingReminders => _reminders.Count;

    /// <summary>Called after a change committed. Never throws and never waits for a receiver.</summary>
    public void OnCommitted(ApprovalRecord record, bool created)
    {
        if (_channels.Length == 0)
        {
            return;
        }

        if (record.Status == ApprovalStatus.Pending)
        {
            // A partial decision (one of two approvers) changes nothing people need to act on.
            if (created)
            {
                Publish(NotificationEventTypes.Requested, record);
                ScheduleReminder(record.Id, record.ExpiresAt);
            }

            return;
        }

        CancelReminder(record.Id);
        if (NotificationEventTypes.ForStatus(record.Status) is { } type)
        {
            Publish(type, record);
        }
    }

    /// <summary>Arms the reminder of a request that may still be pending; at start for every expirable approval.</summary>
    public void ScheduleReminder(string approvalId, DateTimeOffset expiresAt)
    {
        if (_channels.Length == 0 || _options.ReminderBefore <= TimeSpan.Zero || _stopped)
        {
            return;
        }

        var due = expiresAt - _options.ReminderBefore - _timeProvider.GetUtcNow();
        if (due <= TimeSpan.Zero)
        {
            return;
        }

        var timer = _timeProvider.CreateTimer(static state => ((Reminder)state!).Fire(), new Reminder(this, approvalId), Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _reminders.AddOrUpdate(approvalId, timer, (_, old) =>
        {
            old.Dispose();
            return timer;
        });
        timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopped = true;
        _queue.Writer.TryComplete();
        foreach (var timer in _reminders.Values.Concat(_retries.Keys))
        {
            timer.Dispose();
        }

        _reminders.Clear();
        _retries.Clear();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var delivery in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await DeliverAsync(delivery, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Publish(string type, ApprovalRecord record)
    {
        var reviewUrl = _reviewUrlBase is null ? null : new Uri(_reviewUrlBase.TrimEnd('/') + "/" + Uri.EscapeDataString(record.Id));
        var notification = new NotificationEvent("evt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), type, _timeProvider.GetUtcNow(), record, reviewUrl);
        foreach (var channel in _channels)
        {
            _queue.Writer.TryWrite(new Delivery(notification, channel, 1));
        }
    }

    private void CancelReminder(string approvalId)
    {
        if (_reminders.TryRemove(approvalId, out var timer))
        {
            timer.Dispose();
        }
    }

    private async Task RemindAsync(string approvalId)
    {
        try
        {
            var record = await _store.GetAsync(approvalId).ConfigureAwait(false);
            if (record is { Status: ApprovalStatus.Pending } && record.ExpiresAt > _timeProvider.GetUtcNow())
            {
                Publish(NotificationEventTypes.Reminder, record);
            }
        }
#pragma warning disable CA1031 // A lost reminder must not crash the timer thread; the request still expires on time.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            NotificationLog.ReminderFailed(_logger, ex, approvalId);
        }
    }

    private async Task DeliverAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        var (notification, channel, attempt) = delivery;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(_options.SendTimeout);
            await channel.SendAsync(notification, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // Any failure of a receiver is retried and then dead-lettered, never surfaced to the request.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var error = Describe(ex);
            if (attempt < _options.MaxAttempts && !_stopped)
            {
                NotificationLog.Retrying(_logger, notification.Type, notification.Approval.Id, channel.Name, attempt, error);
                ScheduleRetry(delivery with { Attempt = attempt + 1 });
                AttemptFailed?.Invoke(notification, channel.Name, attempt);
                return;
            }

            NotificationLog.DeadLettered(_logger, notification.Type, notification.Approval.Id, channel.Name, attempt, error);
            await RecordAsync(delivery, AuditTypes.NotificationFailed, error).ConfigureAwait(false);
            return;
        }

        await RecordAsync(delivery, AuditTypes.Notified, null).ConfigureAwait(false);
    }

    private void ScheduleRetry(Delivery delivery)
    {
        var delay = RetryDelay.Before(delivery.Attempt, _options.RetryBaseDelay, _options.RetryMaxDelay);
        if (delay <= TimeSpan.Zero)
        {
            _queue.Writer.TryWrite(delivery);
            return;
        }

        var retry = new Retry(this, delivery);
        var timer = _timeProvider.CreateTimer(static state => ((Retry)state!).Fire(), retry, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        retry.Timer = timer;
        _retries.TryAdd(timer, 0);
        timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private async Task RecordAsync(Delivery delivery, string type, string? error)
    {
        var (notification, channel, attempts) = delivery;
        try
        {
            await _store.AppendAuditAsync(
                [
                    new AuditEntry(type, notification.Approval.Id, AuditData.System, _timeProvider.GetUtcNow(), AuditData.Build(w =>
                    {
                        w.WriteString("event", notification.Type);
                        w.WriteString("eventId", notification.Id);
                        w.WriteString("channel", channel.Name);
                        w.WriteNumber("attempts", attempts);
                        AuditData.WriteOptional(w, "error", error);
                    })),
                ]).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The audit write of a notification must not stop the queue; the log keeps the trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            NotificationLog.AuditFailed(_logger, ex, notification.Approval.Id, channel.Name);
        }

        Settled?.Invoke(new NotificationSettled(notification, channel.Name, attempts, type == AuditTypes.Notified));
    }

    // Exception messages can carry URLs (and chat webhook URLs are secrets): record only what we wrote ourselves.
    private static string Describe(Exception ex) => ex switch
    {
        NotificationSendException send => send.Message,
        OperationCanceledException => "timed out",
        HttpRequestException http when http.StatusCode is { } code => "HTTP " + ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture),
        HttpRequestException http => "connection failed (" + http.HttpRequestError.ToString() + ")",
        _ => ex.GetType().Name,
    };

    private sealed record Delivery(NotificationEvent Notification, INotificationChannel Channel, int Attempt);

    private sealed class Reminder(Notifier owner, string approvalId)
    {
        public void Fire()
        {
            if (owner._reminders.TryRemove(approvalId, out var timer))
            {
                timer.Dispose();
            }

            _ = owner.RemindAsync(approvalId);
        }
    }

    private sealed class Retry(Notifier owner, Delivery delivery)
    {
        public ITimer? Timer { get; set; }

        public void Fire()
        {
            if (Timer is { } timer && owner._retries.TryRemove(timer, out _))
            {
                timer.Dispose();
                owner._queue.Writer.TryWrite(delivery);
            }
        }
    }
}
