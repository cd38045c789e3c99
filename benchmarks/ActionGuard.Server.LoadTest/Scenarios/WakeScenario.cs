using ActionGuard.Client;
using ActionGuard.Server.LoadTest.Infrastructure;

namespace ActionGuard.Server.LoadTest.Scenarios;

// Decision-to-wake latency. Per sample: the agent creates a request and starts GET ?wait=30; after a short delay (so
// the poll is held by the server) the approver's clock reads t0 immediately before it sends the decide request; the
// agent's clock reads t1 as soon as its long poll has returned and the SDK has parsed status "approved".
// Wake latency = t1 - t0: the decide request's trip and commit plus the wake-up and the poll reply's trip. Both clocks
// are the same Stopwatch in the driver process.
internal static class WakeScenario
{
    private const int WarmupSamples = 50;

    public sealed record Result(Recorder.Summary Wake, Recorder.Summary DecideReply, int Discarded, long HeldMeanwhile);

    public static async Task<Result> RunAsync(Harness harness, LoadOptions options, CancellationToken cancellationToken)
    {
        // Other requests waiting meanwhile, as in a busy deployment: every decision is published to all of them.
        await using var held = new HeldPolls();
        long heldMeanwhile = 0;
        if (options.WakeBackground > 0)
        {
            await held.GrowToAsync(harness, options.WakeBackground, options.CreateConcurrency, options.WaitSeconds, cancellationToken);
            heldMeanwhile = await held.HeldByServerAsync(harness, cancellationToken);
            Console.WriteLine($"wake: {heldMeanwhile} other requests held by the server while sampling");
        }

        var wake = new Recorder();
        var decideReply = new Recorder();
        var next = -WarmupSamples;
        var discarded = 0;

        async Task WorkerAsync(int worker)
        {
            var agent = harness.Agents[worker % harness.Agents.Count];
            while (Interlocked.Increment(ref next) <= options.WakeSamples)
            {
                var sample = Volatile.Read(ref next);
                var approval = await agent.CreateApprovalAsync(Harness.NewRequest(), Harness.NewIdempotencyKey(), cancellationToken);
                var poll = Task.Run(
                    async () =>
                    {
                        var result = await agent.GetApprovalAsync(approval.Id, TimeSpan.FromSeconds(30), cancellationToken);
                        return (result.Status, At: Harness.Now());
                    },
                    CancellationToken.None);
                await Task.Delay(options.WakeDelayMs, cancellationToken);
                if (poll.IsCompleted)
                {
                    // The poll returned before the decision: nothing to measure.
                    Interlocked.Increment(ref discarded);
                    await harness.DecideAsync(approval.Id, worker, cancellationToken);
                    continue;
                }

                var t0 = Harness.Now();
                await harness.DecideAsync(approval.Id, worker, cancellationToken);
                var replied = Harness.Now();
                var (status, t1) = await poll;
                if (status != ApprovalStatus.Approved)
                {
                    Interlocked.Increment(ref discarded);
                    continue;
                }

                if (sample > 0)
                {
                    wake.Add(t1 - t0);
                    decideReply.Add(replied - t0);
                }
            }
        }

        var workers = Enumerable.Range(0, options.WakeConcurrency).Select(i => Task.Run(() => WorkerAsync(i), CancellationToken.None));
        await Task.WhenAll(workers);
        var result = new Result(wake.Summarize(), decideReply.Summarize(), discarded, heldMeanwhile);
        Console.WriteLine($"wake: n={result.Wake.Count} p50 {result.Wake.P50Ms:F2} ms p90 {result.Wake.P90Ms:F2} p99 {result.Wake.P99Ms:F2} max {result.Wake.MaxMs:F2}; decide reply p50 {result.DecideReply.P50Ms:F2} p99 {result.DecideReply.P99Ms:F2}; discarded {discarded}");
        return result;
    }
}
