using System.Diagnostics;
using ActionGuard.Server.LoadTest.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Server.LoadTest.Scenarios;

// Guarded calls that policy allows, end to end: the SDK's IActionGuard against the server, whose rule "dev-exports"
// allows data exports in dev. Every call creates, gets the decision, verifies the signed token, runs and reports the
// outcome; calls completed inside the measured window count, a warm-up before it does not.
internal static class AllowedScenario
{
    public sealed record Result(double Seconds, long Calls, long Errors, int Callers, Recorder.Summary Call, double ServerCpuSeconds, double DatabaseCpuSeconds);

    public static async Task<Result> RunAsync(Harness harness, LoadOptions options, CancellationToken cancellationToken)
    {
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddActionGuard(o =>
            {
                o.Endpoint = harness.Server.BaseAddress;
                o.AgentId = Harness.AgentId(0);
                o.ApiKey = harness.ApiKeys[0];
                o.Environment = "dev";
                o.DefaultTimeout = TimeSpan.FromSeconds(30);
            })
            .Services.BuildServiceProvider();
        var guard = services.GetRequiredService<IActionGuard>();
        var recorder = new Recorder();
        var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
        long calls = 0, errors = 0;
        var measuring = false;
        var windowStart = Harness.Now() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var windowEnd = windowStart + ((long)options.CycleSeconds * Stopwatch.Frequency);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(warmup + TimeSpan.FromSeconds(options.CycleSeconds + 30));

        async Task CallerAsync(int index)
        {
            var action = new GuardedAction(ActionKind.DataExport, "Exporter.Export")
            {
                Resource = "crm://customers",
                Destination = "s3://exports/dev-" + index + ".csv",
                Arguments = [new ActionArgument("segment", "emea"), new ActionArgument("limit", 100)],
            };
            while (Harness.Now() < windowEnd && !stop.IsCancellationRequested)
            {
                try
                {
                    var t0 = Harness.Now();
                    await guard.ExecuteAsync(action, _ => Task.FromResult(1), stop.Token);
                    var t1 = Harness.Now();
                    if (Volatile.Read(ref measuring) && t1 <= windowEnd)
                    {
                        Interlocked.Increment(ref calls);
                        recorder.Add(t1 - t0);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    if (Interlocked.Increment(ref errors) <= 5)
                    {
                        Console.Error.WriteLine($"allowed: {ex.GetType().Name}: {ex.Message}");
                    }
                }
            }
        }

        var callers = Enumerable.Range(0, options.AllowedCallers).Select(i => Task.Run(() => CallerAsync(i), CancellationToken.None)).ToList();
        await Task.Delay(warmup, cancellationToken);
        await harness.Server.StatsAsync(reset: true, cancellationToken: cancellationToken);
        var serverCpu = harness.Server.CpuTime;
        var databaseCpu = harness.DatabaseCpuTime;
        Volatile.Write(ref measuring, true);
        await Task.WhenAll(callers);
        var cpu = (harness.Server.CpuTime - serverCpu).TotalSeconds;
        var database = (harness.DatabaseCpuTime - databaseCpu).TotalSeconds;
        return new Result(options.CycleSeconds, calls, errors, options.AllowedCallers, recorder.Summarize(), cpu, database);
    }
}
