using System.Collections.Concurrent;
using System.Net;
using ActionGuard.Client;
using ActionGuard.Guarding;
using Microsoft.Extensions.Logging;

namespace ActionGuard.Tests.Guarding;

public sealed class OutcomeReporterTests : IDisposable
{
    private readonly ActionGuardOptions _options = new() { OutcomeFlushTimeout = TimeSpan.FromSeconds(10) };
    private readonly OutcomeClient _client = new();
    private readonly CapturingLogger _logger = new();

    public OutcomeReporterTests()
    {
        _options.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
    }

    [Fact]
    public async Task A_report_does_not_wait_for_the_backend_and_outcomes_queued_meanwhile_go_in_one_request()
    {
        await using var reporter = Create();
        _client.HoldFirstReport = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = reporter.ReportAsync("apr_1", "Export", OutcomeStatus.Succeeded, null);
        await _client.FirstReportStarted.Task;
        var rest = new[] { "apr_2", "apr_3", "apr_4" }.Select(id => reporter.ReportAsync(id, "Export", OutcomeStatus.Failed, "boom")).ToList();

        Assert.True(first.IsCompletedSuccessfully);
        Assert.All(rest, r => Assert.True(r.IsCompletedSuccessfully));
        Assert.False(reporter.FlushAsync().IsCompleted);
        _client.HoldFirstReport.SetResult();
        await reporter.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([["apr_1"], ["apr_2", "apr_3", "apr_4"]], _client.Requests);
        Assert.Equal(4, _logger.Count("ActionCompleted"));
    }

    [Fact]
    public async Task An_outage_is_waited_out_and_every_outcome_is_recorded_once_it_ends()
    {
        await using var reporter = Create();
        _client.FailuresLeft = 3;

        await reporter.ReportAsync("apr_1", "Export", OutcomeStatus.Succeeded, null);
        await reporter.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(4, _client.Requests.Count);
        Assert.Equal(["apr_1"], _client.Recorded);
        Assert.Equal(3, _logger.Count("OutcomeReportsRetrying"));
    }

    [Fact]
    public async Task Shutting_down_delivers_the_outcomes_still_queued()
    {
        var reporter = Create();
        _client.FailuresLeft = 2;

        await reporter.ReportAsync("apr_1", "Export", OutcomeStatus.Succeeded, null);
        await reporter.ReportAsync("apr_2", "Export", OutcomeStatus.Succeeded, null);
        await reporter.DisposeAsync();

        Assert.Equal(["apr_1", "apr_2"], _client.Recorded.Order());
        Assert.Equal(0, _logger.Count("OutcomeNotReported"));
    }

    [Fact]
    public async Task Outcomes_the_backend_never_acknowledges_are_logged_by_id_when_shutdown_stops_waiting()
    {
        _options.OutcomeFlushTimeout = TimeSpan.FromMilliseconds(200);
        var reporter = Create();
        _client.FailuresLeft = int.MaxValue;

        await reporter.ReportAsync("apr_1", "Export", OutcomeStatus.Succeeded, null);
        await reporter.ReportAsync("apr_2", "Export", OutcomeStatus.Failed, "boom");
        await reporter.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(_client.Recorded);
        Assert.Equal(["apr_1", "apr_2"], _logger.Messages("OutcomeNotReported").Select(m => m.Split(' ')[5]).Order());
    }

    [Fact]
    public async Task A_backend_without_the_batch_endpoint_gets_one_report_per_outcome()
    {
        await using var reporter = Create();
        _client.BatchUnsupported = true;

        await reporter.ReportAsync("apr_1", "Export", OutcomeStatus.Succeeded, null);
        await reporter.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await reporter.ReportAsync("apr_2", "Export", OutcomeStatus.Succeeded, null);
        await reporter.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Single(_client.Requests);
        Assert.Equal(["apr_1", "apr_2"], _client.Recorded);
    }

    [Fact]
    public async Task An_outcome_the_backend_refuses_is_logged_and_not_sent_again()
    {
        await using var reporter = Create();
        _client.Refuse = "apr_2";

        await reporter.ReportAsync("apr_1", "Export", OutcomeStatus.Succeeded, null);
        await reporter.ReportAsync("apr_2", "Export", OutcomeStatus.Succeeded, null);
        await reporter.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["apr_1"], _client.Recorded);
        Assert.Equal(2, _client.Requests.Sum(r => r.Length));
        Assert.Contains("apr_2", Assert.Single(_logger.Messages("OutcomeRefused")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_error_is_cut_so_the_report_stays_within_what_the_backend_accepts()
    {
        await using var reporter = Create();

        await reporter.ReportAsync("apr_1", "Export", OutcomeStatus.Failed, new string('x', 5_000));
        await reporter.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        var error = Assert.Single(_client.Errors);
        Assert.True(error!.Length <= 1_001, $"{error.Length} characters");
        Assert.StartsWith("xxxx", error, StringComparison.Ordinal);
    }

    public void Dispose() => _client.Dispose();

    private OutcomeReporter Create() => new(_client, _options, TimeProvider.System, _logger);

    // The backend's side of outcome reports: records each request, can hold the first, fail, refuse one approval, or
    // predate the batch endpoint.
    private sealed class OutcomeClient : ApprovalClient
    {
        private int _reports;

        public TaskCompletionSource? HoldFirstReport { get; set; }

        public TaskCompletionSource FirstReportStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int FailuresLeft { get; set; }

        public bool BatchUnsupported { get; set; }

        public string? Refuse { get; set; }

        public ConcurrentQueue<string[]> RequestQueue { get; } = new();

        public List<string[]> Requests => [.. RequestQueue];

        public ConcurrentQueue<string> RecordedQueue { get; } = new();

        public List<string> Recorded => [.. RecordedQueue];

        public ConcurrentQueue<string?> Errors { get; } = new();

        public override async Task<IReadOnlyList<OutcomeReportResult>> ReportOutcomesAsync(IReadOnlyList<OutcomeReport> outcomes, CancellationToken cancellationToken = default)
        {
            RequestQueue.Enqueue([.. outcomes.Select(o => o.ApprovalId)]);
            if (Interlocked.Increment(ref _reports) == 1 && HoldFirstReport is { } hold)
            {
                FirstReportStarted.SetResult();
                await hold.Task;
            }

            if (BatchUnsupported)
            {
                throw new ApprovalRequestRejectedException("Not found.", HttpStatusCode.NotFound);
            }

            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new ApprovalBackendUnavailableException("Reporting outcomes failed: 503.", HttpStatusCode.ServiceUnavailable);
            }

            return [.. outcomes.Select(Answer)];
        }

        public override Task ReportOutcomeAsync(string approvalId, ApprovalOutcome outcome, CancellationToken cancellationToken = default)
        {
            RecordedQueue.Enqueue(approvalId);
            return Task.CompletedTask;
        }

        private OutcomeReportResult Answer(OutcomeReport outcome)
        {
            Errors.Enqueue(outcome.Error);
            if (outcome.ApprovalId == Refuse)
            {
                return new OutcomeReportResult { ApprovalId = outcome.ApprovalId, Problem = new ApprovalProblem { Type = ProtocolProblems.NotExecuting.Type, Detail = "not claimed" } };
            }

            RecordedQueue.Enqueue(outcome.ApprovalId);
            return new OutcomeReportResult { ApprovalId = outcome.ApprovalId, Status = ApprovalStatus.Succeeded };
        }
    }

    private sealed class CapturingLogger : ILogger
    {
        private readonly ConcurrentQueue<(string Event, string Message)> _entries = new();

        public int Count(string eventName) => _entries.Count(e => e.Event == eventName);

        public IEnumerable<string> Messages(string eventName) => _entries.Where(e => e.Event == eventName).Select(e => e.Message);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _entries.Enqueue((eventId.Name ?? string.Empty, formatter(state, exception)));
    }
}
