using System.Text.Json.Nodes;
using ActionGuard.Client;
using ActionGuard.Server.LoadTest.Infrastructure;

namespace ActionGuard.Server.LoadTest.Scenarios;

// N agents create requests and keep long-polling them (GET ?wait=); at each level the server's memory is read once
// the server itself counts that many long polls in flight.
internal static class WaitingScenario
{
    public sealed record Level(int Target, long Waiting, double CreatesPerSecond, JsonNode Observed, JsonNode AfterFullGc);

    public static async Task<List<Level>> RunAsync(Harness harness, LoadOptions options, CancellationToken cancellationToken)
    {
        var levels = new List<Level>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waiters = new List<Task>();
        var failures = 0;
        var created = 0;
        var baseline = await harness.Server.StatsAsync(collect: true, cancellationToken: cancellationToken);
        levels.Add(new Level(0, 0, 0, baseline, baseline));
        foreach (var target in options.Levels)
        {
            var started = Harness.Now();
            var toCreate = target - created;
            using var gate = new SemaphoreSlim(options.CreateConcurrency);
            var creates = new List<Task>(toCreate);
            for (var i = created; i < target; i++)
            {
                await gate.WaitAsync(cancellationToken);
                var agent = harness.Agents[i % harness.Agents.Count];
                creates.Add(Task.Run(
                    async () =>
                    {
                        try
                        {
                            var approval = await agent.CreateApprovalAsync(Harness.NewRequest(), Harness.NewIdempotencyKey(), cancellationToken);
                            lock (waiters)
                            {
                                waiters.Add(PollAsync(agent, approval.Id, options.WaitSeconds, stop.Token));
                            }
                        }
                        catch (Exception) when (!cancellationToken.IsCancellationRequested)
                        {
                            Interlocked.Increment(ref failures);
                        }
                        finally
                        {
                            gate.Release();
                        }
                    },
                    CancellationToken.None));
            }

            await Task.WhenAll(creates);
            var createSeconds = Harness.Seconds(started, Harness.Now());
            created = target;

            // Wait until the server holds every poll, then let it settle before reading memory.
            long waiting = 0;
            var until = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < until)
            {
                var stats = await harness.Server.StatsAsync(cancellationToken: cancellationToken);
                waiting = (long)stats["endpoints"]!["wait"]!["active"]!.GetValue<double>();
                if (waiting >= target - failures)
                {
                    break;
                }

                await Task.Delay(250, cancellationToken);
            }

            await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds), cancellationToken);
            var observed = await harness.Server.StatsAsync(cancellationToken: cancellationToken);
            var afterGc = await harness.Server.StatsAsync(collect: true, cancellationToken: cancellationToken);
            waiting = (long)afterGc["endpoints"]!["wait"]!["active"]!.GetValue<double>();
            levels.Add(new Level(target, waiting, toCreate / createSeconds, observed, afterGc));
            Console.WriteLine($"waiting: {waiting} held polls (target {target}), working set {Mb(observed["workingSetBytes"])} MB, GC heap {Mb(observed["gcHeapBytes"])} MB, after full GC {Mb(afterGc["gcHeapBytes"])} MB; {failures} failed creates");
        }

        await stop.CancelAsync();
        Task[] all;
        lock (waiters)
        {
            all = [.. waiters];
        }

        await Task.WhenAll(all).WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        return levels;
    }

    public static string Mb(JsonNode? bytes) => (bytes!.GetValue<double>() / (1024 * 1024)).ToString("F0", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task PollAsync(ApprovalClient agent, string id, int waitSeconds, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var approval = await agent.GetApprovalAsync(id, TimeSpan.FromSeconds(waitSeconds), cancellationToken);
                if (approval.Status != ApprovalStatus.Pending)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is HttpRequestException or ActionGuardException)
        {
            Console.Error.WriteLine($"poll {id}: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
