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
/// The notifier pipeline over the store's outbox. Each change that people should hear about carries one outbox message
/// per channel, committed in the same transaction as the change and its audit records, so neither a slow receiver nor
/// a crash can lose it or hold up the request. One background reader drains the outbox in order (per approval and
/// channel, so a Slack update follows its post), retries a failure after an exponential, bounded delay on the server's
/// <see cref="TimeProvider"/>, and settles each message with its audit record: <c>notified</c>, or
/// <c>notification_failed</c> after the last try. At start it resumes whatever is still pending.
/// </summary>
internal sealed class Notifier : BackgroundService
{
    // Pending messages read per pass; more are read on the next pass, right after.
    private const int BatchSize = 256;

    private static readonly TimeSpan StoreRetryDelay = TimeSpan.FromSeconds(5);

    // With a shared store, messages leased by an instance that crashed come back to the others only when they look:
    // an idle notifier still looks this often.
    private static readonly TimeSpan IdlePollInterval = TimeSpan.FromMinutes(1);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly ConcurrentDictionary<string, ITimer> _reminders = new(StringComparer.Ordinal);
    private readonly INotificationChannel[] _channels;
    private readonly Dictionary<string, INotificationChannel> _channelsByName;
    private readonly IApprovalStore _approvals;
    private readonly IOutboxStore _outbox;
    private readonly TimeProvider _timeProvider;
    private readonly NotificationOptions _options;
    private readonly string? _reviewUrlBase;
    private readonly ILogger _logger;
    private readonly ITimer _wakeTimer;
    private volatile bool _stopped;

    public Notifier(
        IEnumerable<INotificationChannelProvider> providers,
        IApprovalStore approvals,
        IOutboxStore outbox,
        TimeProvider timeProvider,
        IOptions<ActionGuardServerOptions> options,
        ILogger<Notifier> logger)
    {
        _channels = providers.SelectMany(p => p.CreateChannels()).ToArray();
        _channelsByName = _channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _approvals = approvals;
        _outbox = outbox;
        _timeProvider = timeProvider;
        _options = options.Value.Notifications;
        _reviewUrlBase = options.Value.ReviewUrlBase;
        _logger = logger;
        _wakeTimer = timeProvider.CreateTimer(static state => ((Notifier)state!).Wake(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Raised after a delivery's audit record is written; lets tests await results instead of sleeping.</summary>
    internal event Action<NotificationSettled>? Settled;

    /// <summary>Raised after a try failed and another one is scheduled.</summary>
    internal event Action<NotificationEvent, string, int>? AttemptFailed;

    public int PendingReminders => _reminders.Count;

    /// <summary>
    /// The outbox messages of a change about to be stored: one per channel for a new request or a new status, none for
    /// a partial decision (one of two approvers) or when no channel is configured.
    /// </summary>
    public IReadOnlyList<OutboxMessage> Plan(ApprovalRecord record, bool created)
    {
        if (_channels.Length == 0)
        {
            return [];
        }

        var type = record.Status == ApprovalStatus.Pending
            ? (created ? NotificationEventTypes.Requested : null)
            : NotificationEventTypes.ForStatus(record.Status);
        return type is null ? [] : Messages(type, record);
    }

    /// <summary>Adds the outbox messages of the transition's change, so they commit with it.</summary>
    public TransitionResult Attach(TransitionResult result) =>
        result.Updated is { } updated && Plan(updated, created: false) is { Count: > 0 } outbox ? result.WithOutbox(outbox) : result;

    /// <summary>Called after a change committed: moves the reminder and wakes the reader. Never throws or waits.</summary>
    public void OnCommitted(ApprovalRecord record, bool created)
    {
        if (_channels.Length == 0)
        {
            return;
        }

        if (record.Status == ApprovalStatus.Pending)
        {
            if (created)
            {
                ScheduleReminder(record.Id, record.ExpiresAt);
            }
        }
        else
        {
            CancelReminder(record.Id);
        }

        Wake();
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
        _wakeTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        foreach (var timer in _reminders.Values)
        {
            timer.Dispose();
        }

        _reminders.Clear();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _wakeTimer.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan? next;
            try
            {
                next = await DrainAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A store fault must not end the reader: what is pending stays pending and is tried again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                NotificationLog.OutboxFailed(_logger, ex);
                next = StoreRetryDelay;
            }

            Arm(next);
            try
            {
                await _wake.Reader.ReadAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One pass over the pending messages; returns when to look again (at the latest after <see cref="IdlePollInterval"/>).</summary>
    private async Task<TimeSpan?> DrainAsync(CancellationToken stoppingToken)
    {
        var messages = await _outbox.ListOutboxAsync(BatchSize, stoppingToken).ConfigureAwait(false);
        var waiting = new HashSet<(string, string)>();
        DateTimeOffset? nextDue = null;
        var tried = false;
        foreach (var message in messages)
        {
            // Within one approval and channel, a message waits for the ones before it (a Slack update after its post).
            var key = (message.Approval.Id, message.Channel);
            if (waiting.Contains(key))
            {
                continue;
            }

            if (message.DueAt > _timeProvider.GetUtcNow())
            {
                waiting.Add(key);
                nextDue = nextDue is { } known && known <= message.DueAt ? known : message.DueAt;
                continue;
            }

            tried = true;
            if (!await DeliverAsync(message, stoppingToken).ConfigureAwait(false))
            {
                waiting.Add(key);
            }
        }

        if (tried)
        {
            return TimeSpan.Zero;
        }

        var untilDue = nextDue is { } due ? due - _timeProvider.GetUtcNow() : IdlePollInterval;
        return untilDue < IdlePollInterval ? untilDue : IdlePollInterval;
    }

    /// <summary>Tries one message; returns whether it is settled (delivered or dead-lettered).</summary>
    private async Task<bool> DeliverAsync(OutboxMessage message, CancellationToken stoppingToken)
    {
        var notification = new NotificationEvent(message.EventId, message.Type, message.At, message.Approval, message.ReviewUrl);
        var attempt = message.Attempts + 1;
        if (!_channelsByName.TryGetValue(message.Channel, out var channel))
        {
            // Configuration changed while it waited: nobody is left to send it to.
            NotificationLog.DeadLettered(_logger, message.Type, message.Approval.Id, message.Channel, message.Attempts, "channel not configured");
            await SettleAsync(notification, message, message.Attempts, delivered: false, "channel not configured").ConfigureAwait(false);
            return true;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(_options.SendTimeout);
            await channel.SendAsync(notification, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping is not a failed try: the message stays pending as it was and the next start sends it.
            throw;
        }
#pragma warning disable CA1031 // Any failure of a receiver is retried and then dead-lettered, never surfaced to the request.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var error = Describe(ex);
            // Even while stopping: the retry is in the store, and the next start makes it.
            if (attempt < _options.MaxAttempts)
            {
                NotificationLog.Retrying(_logger, message.Type, message.Approval.Id, channel.Name, attempt, error);
                var delay = RetryDelay.Before(attempt + 1, _options.RetryBaseDelay, _options.RetryMaxDelay);
                await _outbox.RetryOutboxAsync(message.Seq, attempt, _timeProvider.GetUtcNow() + delay, error, CancellationToken.None).ConfigureAwait(false);
                Arm(delay);
                AttemptFailed?.Invoke(notification, channel.Name, attempt);
                return false;
            }

            NotificationLog.DeadLettered(_logger, message.Type, message.Approval.Id, channel.Name, attempt, error);
            await SettleAsync(notification, message, attempt, delivered: false, error).ConfigureAwait(false);
            return true;
        }

        await SettleAsync(notification, message, attempt, delivered: true, null).ConfigureAwait(false);
        return true;
    }

    private async Task SettleAsync(NotificationEvent notification, OutboxMessage message, int attempts, bool delivered, string? error)
    {
        var audit = new AuditEntry(delivered ? AuditTypes.Notified : AuditTypes.NotificationFailed, message.Approval.Id, AuditData.System, _timeProvider.GetUtcNow(), AuditData.Build(w =>
        {
            w.WriteString("event", message.Type);
            w.WriteString("eventId", message.EventId);
            w.WriteString("channel", message.Channel);
            w.WriteNumber("attempts", attempts);
            AuditData.WriteOptional(w, "error", error);
        }));

        // Not cancellable: a message that went out must be marked, or the next pass sends it again.
        await _outbox.SettleOutboxAsync(message.Seq, attempts, delivered, audit, CancellationToken.None).ConfigureAwait(false);
        Settled?.Invoke(new NotificationSettled(notification, message.Channel, attempts, delivered));
    }

    private List<OutboxMessage> Messages(string type, ApprovalRecord record)
    {
        var reviewUrl = _reviewUrlBase is null ? null : new Uri(_reviewUrlBase.TrimEnd('/') + "/" + Uri.EscapeDataString(record.Id));
        var id = "evt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var at = _timeProvider.GetUtcNow();
        return _channels.Select(channel => new OutboxMessage(id, type, at, channel.Name, record, reviewUrl) { DueAt = at }).ToList();
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private void Arm(TimeSpan? delay)
    {
        if (delay is not { } wait || _stopped)
        {
            return;
        }

        if (wait <= TimeSpan.Zero)
        {
            Wake();
            return;
        }

        try
        {
            _wakeTimer.Change(wait, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Stopped meanwhile.
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
            var record = await _approvals.GetAsync(approvalId).ConfigureAwait(false);
            if (record is { Status: ApprovalStatus.Pending } && record.ExpiresAt > _timeProvider.GetUtcNow() && !_stopped)
            {
                await _outbox.EnqueueAsync(Messages(NotificationEventTypes.Reminder, record)).ConfigureAwait(false);
                Wake();
            }
        }
#pragma warning disable CA1031 // A lost reminder must not crash the timer thread; the request still expires on time.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            NotificationLog.ReminderFailed(_logger, ex, approvalId);
        }
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
}
