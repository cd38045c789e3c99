using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ActionGuard.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActionGuard.Tests.Telemetry;

public sealed class GuardTelemetryTests : IDisposable
{
    // Each test uses its own custom kind, so measurements from tests running in parallel never mix.
    private readonly string _kind = "telemetry.t" + Guid.NewGuid().ToString("N")[..12];
    private readonly ConcurrentBag<(string Instrument, double Value, string? Reason)> _measurements = [];
    private readonly MeterListener _meters = new();
    private readonly ConcurrentBag<Activity> _activities = [];
    private readonly ActivityListener _activityListener;
    private readonly CapturingLoggerProvider _logs = new();
    private readonly InMemoryApprovalBackend _backend = new();

    public GuardTelemetryTests()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "ActionGuard")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();

        _activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "ActionGuard",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem("actionguard.action.kind"), _kind))
                {
                    _activities.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_activityListener);
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? kind = null;
        string? reason = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "actionguard.action.kind")
            {
                kind = tag.Value as string;
            }
            else if (tag.Key == "actionguard.reason")
            {
                reason = tag.Value as string;
            }
        }

        if (kind == _kind)
        {
            _measurements.Add((instrument.Name, value, reason));
        }
    }

    public void Dispose()
    {
        _meters.Dispose();
        _activityListener.Dispose();
        _backend.Dispose();
    }

    private IActionGuard CreateGuard()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug));
        services.AddActionGuard(o => o.AgentId = "telemetry-agent").UseInMemoryBackend(_backend);
        return services.BuildServiceProvider().GetRequiredService<IActionGuard>();
    }

    private double Sum(string instrument) => _measurements.Where(m => m.Instrument == instrument).Sum(m => m.Value);

    [Fact]
    public async Task An_approved_call_counts_a_request_and_an_approval_and_traces_its_approval()
    {
        _backend.RespondWith(ApprovalScript.Approve("alice"));

        await CreateGuard().ExecuteAsync(new GuardedAction(_kind, "Tool.Run"), _ => Task.FromResult(1));

        Assert.Equal(1, Sum("actionguard.requests"));
        Assert.Equal(1, Sum("actionguard.approvals"));
        Assert.Equal(0, Sum("actionguard.denials"));
        Assert.Single(_measurements, m => m.Instrument == "actionguard.wait.duration");
        var activity = Assert.Single(_activities);
        Assert.Equal("ActionGuard.Execute", activity.OperationName);
        Assert.StartsWith("apr_", activity.GetTagItem("actionguard.approval.id") as string, StringComparison.Ordinal);
        Assert.Equal(ActivityStatusCode.Unset, activity.Status);
        Assert.Contains(_logs.Events, e => e.Id == 1000);
        Assert.Contains(_logs.Events, e => e.Id == 1001);
        Assert.Contains(_logs.Events, e => e.Id == 1007);
    }

    [Fact]
    public async Task A_call_that_waits_logs_one_line_naming_the_approval_and_where_to_review_it()
    {
        var run = CreateGuard().ExecuteAsync(new GuardedAction(_kind, "Tool.Run"), _ => Task.FromResult(1));
        var pending = await _backend.WaitForRequestAsync();
        await _backend.ApproveAsync(pending.Id, "alice");
        await run;

        var waiting = Assert.Single(_logs.Events, e => e.Id == 1014);
        Assert.Equal(LogLevel.Information, waiting.Level);
        Assert.Contains(pending.Id, waiting.Message, StringComparison.Ordinal);
        Assert.Contains("Tool.Run", waiting.Message, StringComparison.Ordinal);
        Assert.Contains("review it at " + pending.ReviewUrl!.AbsoluteUri, waiting.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_decided_at_once_does_not_log_a_wait()
    {
        _backend.RespondWith(ApprovalScript.Approve("alice"));

        await CreateGuard().ExecuteAsync(new GuardedAction(_kind, "Tool.Run"), _ => Task.FromResult(1));

        Assert.DoesNotContain(_logs.Events, e => e.Id == 1014);
    }

    [Fact]
    public async Task A_denied_call_counts_a_denial_and_marks_the_trace_as_error()
    {
        _backend.RespondWith(ApprovalScript.Deny("bob", "no"));

        await Assert.ThrowsAsync<ActionDeniedException>(() => CreateGuard().ExecuteAsync(new GuardedAction(_kind, "Tool.Run"), _ => Task.FromResult(1)));

        Assert.Equal(1, Sum("actionguard.denials"));
        Assert.Equal(0, Sum("actionguard.approvals"));
        Assert.Equal(ActivityStatusCode.Error, Assert.Single(_activities).Status);
        Assert.Contains(_logs.Events, e => e.Id == 1002 && e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task A_refused_token_counts_a_refusal_with_its_reason_and_logs_the_check()
    {
        _backend.RespondWith(ApprovalScript.Approve("alice"));
        _backend.OnIssuingToken(c => c.Audience = "someone-else");

        await Assert.ThrowsAsync<ApprovalVerificationException>(() => CreateGuard().ExecuteAsync(new GuardedAction(_kind, "Tool.Run"), _ => Task.FromResult(1)));

        var refusal = Assert.Single(_measurements, m => m.Instrument == "actionguard.refusals");
        Assert.Equal(nameof(ApprovalVerificationException), refusal.Reason);
        Assert.Contains(_logs.Events, e => e.Id == 1004 && e.Message.Contains("Audience", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logs_never_contain_argument_values()
    {
        _backend.RespondWith(ApprovalScript.Approve("alice"));
        var action = new GuardedAction(_kind, "Tool.Run") { Arguments = [new("customer", "carol-unique-value-7731")] };

        await CreateGuard().ExecuteAsync(action, _ => Task.FromResult(1));

        Assert.NotEmpty(_logs.Events);
        Assert.DoesNotContain(_logs.Events, e => e.Message.Contains("carol-unique-value-7731", StringComparison.Ordinal));
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(int Id, LogLevel Level, string Message)> Events { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => owner.Events.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
        }
    }
}
