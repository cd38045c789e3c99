using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using ActionGuard.Client;
using ActionGuard.Server.LoadTest.Infrastructure;

namespace ActionGuard.Server.LoadTest.Scenarios;

// Full cycles against the server's store: the agent creates, long-polls, claims and reports the outcome; an approver
// decides. Cycles completed inside the measured window count; a warm-up before it (--warmup-seconds) is not counted.
internal static class CyclesScenario
{
    private static readonly string[] Steps = ["create", "wait", "decide", "claim", "outcome", "cycle"];

    public sealed record Result(
        double Seconds,
        long Cycles,
        long Decisions,
        long Errors,
        Dictionary<string, Recorder.Summary> Client,
        JsonNode ServerEndpoints,
        double ServerCpuSeconds,
        double DriverCpuSeconds,
        double DatabaseCpuSeconds,
        JsonNode ServerAfter);

    public sealed record BurstResult(int Requests, double Seconds, long Errors, Recorder.Summary Decide, JsonNode ServerEndpoints, double ServerCpuSeconds);

    public static async Task<Result> RunCyclesAsync(Harness harness, LoadOptions options, CancellationToken cancellationToken)
    {
        var recorders = Steps.ToDictionary(k => k, _ => new Recorder());
        var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
        var queue = Channel.CreateUnbounded<string>();
        var decided = new ConcurrentDictionary<string, TaskCompletionSource>(StringComparer.Ordinal);
        long cycles = 0, decisions = 0, errors = 0;
        var measuring = false;
        var start = Harness.Now();
        var windowStart = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var windowEnd = windowStart + ((long)options.CycleSeconds * Stopwatch.Frequency);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(warmup + TimeSpan.FromSeconds(options.CycleSeconds + 30));

        async Task AgentAsync(int index)
        {
            var agent = harness.Agents[index % harness.Agents.Count];
            while (Harness.Now() < windowEnd && !stop.IsCancellationRequested)
            {
                try
                {
                    var t0 = Harness.Now();
                    var approval = await agent.CreateApprovalAsync(Harness.NewRequest(), Harness.NewIdempotencyKey(), stop.Token);
                    var t1 = Harness.Now();
                    var signal = options.CycleLongPoll ? null : decided.GetOrAdd(approval.Id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                    await queue.Writer.WriteAsync(approval.Id, stop.Token);
                    if (signal is null)
                    {
                        while (approval.Status == ApprovalStatus.Pending)
                        {
                            approval = await agent.GetApprovalAsync(approval.Id, TimeSpan.FromSeconds(30), stop.Token);
                        }
                    }
                    else
                    {
                        await signal.Task.WaitAsync(stop.Token);
                        decided.TryRemove(approval.Id, out _);
                    }

                    var t2 = Harness.Now();
                    await agent.ClaimAsync(approval.Id, stop.Token);
                    var t3 = Harness.Now();
                    await agent.ReportOutcomeAsync(approval.Id, new ApprovalOutcome { Status = OutcomeStatus.Succeeded }, stop.Token);
                    var t4 = Harness.Now();
                    if (Volatile.Read(ref measuring) && t4 <= windowEnd)
                    {
                        Interlocked.Increment(ref cycles);
                        recorders["create"].Add(t1 - t0);
                        recorders["wait"].Add(t2 - t1);
                        recorders["claim"].Add(t3 - t2);
                        recorders["outcome"].Add(t4 - t3);
                        recorders["cycle"].Add(t4 - t0);
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
                        Console.Error.WriteLine($"cycle: {ex.GetType().Name}: {ex.Message}");
                    }
                }
            }
        }

        async Task ApproverAsync(int index)
        {
            try
            {
                await foreach (var id in queue.Reader.ReadAllAsync(stop.Token))
                {
                    try
                    {
                        var t0 = Harness.Now();
                        await harness.DecideAsync(id, index, stop.Token);
                        var t1 = Harness.Now();
                        if (decided.TryGetValue(id, out var signal))
                        {
                            signal.TrySetResult();
                        }

                        if (Volatile.Read(ref measuring) && t1 <= windowEnd)
                        {
                            Interlocked.Increment(ref decisions);
                            recorders["decide"].Add(t1 - t0);
                        }
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        if (Interlocked.Increment(ref errors) <= 5)
                        {
                            Console.Error.WriteLine($"decide: {ex.GetType().Name}: {ex.Message}");
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        var agents = Enumerable.Range(0, options.CycleAgents).Select(i => Task.Run(() => AgentAsync(i), CancellationToken.None)).ToList();
        var approvers = Enumerable.Range(0, options.Approvers).Select(i => Task.Run(() => ApproverAsync(i), CancellationToken.None)).ToList();

        await Task.Delay(warmup, cancellationToken);
        await harness.Server.StatsAsync(reset: true, cancellationToken: cancellationToken);
        var serverCpu = harness.Server.CpuTime;
        var driverCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var databaseCpu = harness.DatabaseCpuTime;
        Volatile.Write(ref measuring, true);
        var remaining = Harness.Seconds(Harness.Now(), windowEnd);
        if (remaining > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(remaining), cancellationToken);
        }

        var serverStats = await harness.Server.StatsAsync(cancellationToken: cancellationToken);
        var serverCpuSeconds = (harness.Server.CpuTime - serverCpu).TotalSeconds;
        var driverCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - driverCpu).TotalSeconds;
        var databaseCpuSeconds = (harness.DatabaseCpuTime - databaseCpu).TotalSeconds;
        await Task.WhenAll(agents).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        queue.Writer.TryComplete();
        await stop.CancelAsync();
        await Task.WhenAll(approvers).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);

        var measured = Harness.Seconds(windowStart, windowEnd);
        var summaries = recorders.ToDictionary(kv => kv.Key, kv => kv.Value.Summarize());
        Console.WriteLine($"cycles: {cycles} in {measured:F1} s = {cycles / measured:F0}/s, decisions {decisions / measured:F0}/s, errors {errors}, server CPU {serverCpuSeconds:F1} s, driver CPU {driverCpuSeconds:F1} s");
        return new Result(measured, cycles, decisions, errors, summaries, serverStats["endpoints"]!.DeepClone(), serverCpuSeconds, driverCpuSeconds, databaseCpuSeconds, serverStats);
    }

    // Decisions alone: many pending requests, then every approver decides as fast as it can.
    public static async Task<BurstResult> RunDecisionBurstAsync(Harness harness, LoadOptions options, CancellationToken cancellationToken)
    {
        var ids = new ConcurrentQueue<string>();
        using (var gate = new SemaphoreSlim(options.CreateConcurrency))
        {
            var creates = Enumerable.Range(0, options.DecisionBurst).Select(async i =>
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    var agent = harness.Agents[i % harness.Agents.Count];
                    ids.Enqueue((await agent.CreateApprovalAsync(Harness.NewRequest(), Harness.NewIdempotencyKey(), cancellationToken)).Id);
                }
                finally
                {
                    gate.Release();
                }
            });
            await Task.WhenAll(creates);
        }

        var recorder = new Recorder();
        long errors = 0;
        await harness.Server.StatsAsync(reset: true, cancellationToken: cancellationToken);
        var serverCpu = harness.Server.CpuTime;
        var start = Harness.Now();
        var workers = Enumerable.Range(0, options.Approvers * 4).Select(i => Task.Run(
            async () =>
            {
                while (ids.TryDequeue(out var id))
                {
                    var t0 = Harness.Now();
                    try
                    {
                        await harness.DecideAsync(id, i, cancellationToken);
                        recorder.Add(Harness.Now() - t0);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
            },
            CancellationToken.None));
        await Task.WhenAll(workers);
        var seconds = Harness.Seconds(start, Harness.Now());
        var stats = await harness.Server.StatsAsync(cancellationToken: cancellationToken);
        var result = new BurstResult(options.DecisionBurst, seconds, errors, recorder.Summarize(), stats["endpoints"]!.DeepClone(), (harness.Server.CpuTime - serverCpu).TotalSeconds);
        Console.WriteLine($"decisions: {result.Requests} in {seconds:F2} s = {result.Requests / seconds:F0}/s, errors {errors}");
        return result;
    }
}
