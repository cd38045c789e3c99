using System.Net;
using System.Threading.Channels;
using ActionGuard.Client;
using ActionGuard.Telemetry;
using Microsoft.Extensions.Logging;

namespace ActionGuard.Guarding;

/// <summary>
/// Reports how approved actions ended without holding up the calls that ran them: outcomes are queued, sent in
/// batches (<c>POST /v1/outcomes</c>) by one background sender, kept and retried until the backend answers, and
/// flushed when the SDK shuts down.
/// </summary>
/// <remarks>
/// The queue holds at most <see cref="Capacity"/> outcomes; past that a call waits for room (during a long outage the
/// agent slows down rather than forgetting what ran). A backend without the batch endpoint gets one report per
/// outcome. An outcome the backend refuses (not this agent's, not claimed) is final and logged. Disposal waits up to
/// <see cref="ActionGuardOptions.OutcomeFlushTimeout"/>; every outcome still unacknowledged then is logged by id.
/// </remarks>
internal sealed class OutcomeReporter : IAsyncDisposable, IDisposable
{
    /// <summary>The most outcomes waiting to be sent.</summary>
    public const int Capacity = 10_000;

    // Below the protocol's 64 KiB body limit with room for JSON escaping; an error longer than the server accepts
    // (4,096 characters) would get the whole batch refused.
    private const int MaxBatchBytes = 48 * 1024;
    private const int MaxErrorLength = 1_000;

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    // How long the sender lets outcomes gather after the first one arrives: a busy agent then wakes it about once per
    // this interval instead of once per call, and the backend gets one request for all of them.
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(2);

    private readonly ApprovalClient _client;
    private readonly TimeSpan _flushTimeout;
    private readonly TimeSpan _retryBaseDelay;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<PendingOutcome> _queue = Channel.CreateBounded<PendingOutcome>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly CancellationTokenSource _abandon = new();
    private readonly Lock _start = new();
    private Task? _sender;
    private TaskCompletionSource? _drained;
    private int _unfinished;
    private int _disposed;
    private bool _batchUnsupported;

    public OutcomeReporter(ApprovalClient client, ActionGuardOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _client = client;
        _flushTimeout = options.OutcomeFlushTimeout;
        _retryBaseDelay = options.Resilience.RetryBaseDelay > TimeSpan.Zero ? options.Resilience.RetryBaseDelay : TimeSpan.FromMilliseconds(100);
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Queues the outcome of <paramref name="approvalId"/>; completes at once unless the queue is full. Never throws:
    /// the action has run (or definitely will not), so a report that cannot be made is logged, not raised.
    /// </summary>
    public ValueTask ReportAsync(string approvalId, string actionName, OutcomeStatus status, string? error)
    {
        var item = new PendingOutcome(
            new OutcomeReport { ApprovalId = approvalId, Status = status, Error = error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] + "…" : error },
            actionName);

        // An in-process backend has no round trip to save, and its tests read the outcome when the call returns.
        if (_client.ReportsOutcomesInline || Volatile.Read(ref _disposed) != 0)
        {
            return new ValueTask(DeliverOnceAsync(item));
        }

        EnsureSender();
        Interlocked.Increment(ref _unfinished);
        return _queue.Writer.TryWrite(item) ? default : WaitForRoomAsync(item);
    }

    /// <summary>Completes when every outcome queued so far has been answered by the backend (or given up on).</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        lock (_start)
        {
            if (Volatile.Read(ref _unfinished) == 0)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        Task? sender;
        lock (_start)
        {
            sender = _sender;
        }

        if (sender is not null)
        {
            try
            {
                await sender.WaitAsync(_flushTimeout, _timeProvider).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The sender logs each outcome it gives up on.
                await _abandon.CancelAsync().ConfigureAwait(false);
                await sender.ConfigureAwait(false);
            }
        }

        _abandon.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static int Size(PendingOutcome item) => 96 + item.Report.ApprovalId.Length + (6 * (item.Report.Error?.Length ?? 0));

    private void EnsureSender()
    {
        if (Volatile.Read(ref _sender) is not null)
        {
            return;
        }

        lock (_start)
        {
            _sender ??= Task.Run(SendLoopAsync);
        }
    }

    private async ValueTask WaitForRoomAsync(PendingOutcome item)
    {
        try
        {
            await _queue.Writer.WriteAsync(item).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // Shutting down: nobody will send it from the queue.
            await DeliverOnceAsync(item).ConfigureAwait(false);
            Finished(1);
        }
    }

    private async Task SendLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingOutcome>(OutcomeReport.MaxPerRequest);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Only while a request would not be full: a backlog is sent at once, request after request.
            if (reader.Count < OutcomeReport.MaxPerRequest && !_abandon.IsCancellationRequested && Volatile.Read(ref _disposed) == 0)
            {
                await Task.Delay(Gather, _timeProvider).ConfigureAwait(false);
            }

            var bytes = 0;
            while (batch.Count < OutcomeReport.MaxPerRequest && reader.TryPeek(out var next) && (batch.Count == 0 || bytes + Size(next) <= MaxBatchBytes))
            {
                reader.TryRead(out next);
                batch.Add(next!);
                bytes += Size(next!);
            }

            var count = batch.Count;
            await DeliverAsync(batch).ConfigureAwait(false);
            batch.Clear();
            Finished(count);
        }
    }

    private void Finished(int count)
    {
        if (Interlocked.Add(ref _unfinished, -count) != 0)
        {
            return;
        }

        lock (_start)
        {
            if (Volatile.Read(ref _unfinished) == 0)
            {
                _drained?.TrySetResult();
                _drained = null;
            }
        }
    }

    // Until the backend answers: an outage is waited out (the batch is kept), a refusal of the whole report is final.
    private async Task DeliverAsync(List<PendingOutcome> batch)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await SendAsync(batch, _abandon.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is ActionGuardException or OperationCanceledException or ObjectDisposedException)
            {
                if (_abandon.IsCancellationRequested)
                {
                    GiveUp(batch);
                    return;
                }

                if (ex is ApprovalRequestRejectedException)
                {
                    foreach (var item in batch)
                    {
                        GuardLog.OutcomeReportFailed(_logger, ex, item.Report.ApprovalId, item.Report.Status);
                    }

                    return;
                }

                var delay = _retryBaseDelay * Math.Pow(2, Math.Min(attempt, 16));
                delay = delay > MaxRetryDelay ? MaxRetryDelay : delay;
                GuardLog.OutcomeReportsRetrying(_logger, ex, batch.Count, delay);
                try
                {
                    await Task.Delay(delay, _timeProvider, _abandon.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    GiveUp(batch);
                    return;
                }
            }
        }
    }

    // One try, with the request's own retries: for the in-process backend and for reports made while shutting down.
    private async Task DeliverOnceAsync(PendingOutcome item)
    {
        try
        {
            await SendAsync([item], CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ActionGuardException or OperationCanceledException)
        {
            GuardLog.OutcomeReportFailed(_logger, ex, item.Report.ApprovalId, item.Report.Status);
        }
    }

    // Removes each outcome from the batch as the backend answers for it, so a retry sends only the rest.
    private async Task SendAsync(List<PendingOutcome> batch, CancellationToken cancellationToken)
    {
        if (!_batchUnsupported)
        {
            try
            {
                var reports = new OutcomeReport[batch.Count];
                for (var i = 0; i < reports.Length; i++)
                {
                    reports[i] = batch[i].Report;
                }

                var results = await _client.ReportOutcomesAsync(reports, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < results.Count; i++)
                {
                    Answered(batch[i], results[i].Status is not null, results[i].ProblemType, results[i].ProblemDetail);
                }

                batch.Clear();
                return;
            }
            catch (ApprovalRequestRejectedException ex) when (ex.ProblemType is null && ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
            {
                // A backend that predates the batch endpoint: one report per outcome from now on.
                _batchUnsupported = true;
            }
        }

        while (batch.Count > 0)
        {
            var item = batch[0];
            try
            {
                await _client.ReportOutcomeAsync(item.Report.ApprovalId, new ApprovalOutcome { Status = item.Report.Status, Error = item.Report.Error }, cancellationToken).ConfigureAwait(false);
                Answered(item, recorded: true, null, null);
            }
            catch (ApprovalRequestRejectedException ex)
            {
                Answered(item, recorded: false, ex.ProblemType, ex.Message);
            }

            batch.RemoveAt(0);
        }
    }

    private void Answered(PendingOutcome item, bool recorded, string? problemType, string? detail)
    {
        if (recorded)
        {
            GuardLog.ActionCompleted(_logger, item.Report.ApprovalId, item.ActionName, item.Report.Status);
        }
        else
        {
            GuardLog.OutcomeRefused(_logger, item.Report.ApprovalId, item.ActionName, item.Report.Status, problemType, detail);
        }
    }

    private void GiveUp(List<PendingOutcome> batch)
    {
        foreach (var item in batch)
        {
            GuardLog.OutcomeNotReported(_logger, item.Report.ApprovalId, item.ActionName, item.Report.Status);
        }

        batch.Clear();
    }

    private sealed record PendingOutcome(OutcomeReport Report, string ActionName);
}
