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
        await using var held = new HeldPolls();
        var baseline = await harness.Server.StatsAsync(collect: true, cancellationToken: cancellationToken);
        levels.Add(new Level(0, 0, 0, baseline, baseline));
        foreach (var target in options.Levels)
        {
            var started = Harness.Now();
            var toCreate = target - held.Created;
            await held.GrowToAsync(harness, target, options.CreateConcurrency, options.WaitSeconds, cancellationToken);
            var createSeconds = Harness.Seconds(started, Harness.Now());

            // Wait until the server holds every poll, then let it settle before reading memory.
            await held.HeldByServerAsync(harness, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds), cancellationToken);
            var observed = await harness.Server.StatsAsync(cancellationToken: cancellationToken);
            var afterGc = await harness.Server.StatsAsync(collect: true, cancellationToken: cancellationToken);
            var waiting = (long)afterGc["endpoints"]!["wait"]!["active"]!.GetValue<double>();
            levels.Add(new Level(target, waiting, toCreate / createSeconds, observed, afterGc));
            Console.WriteLine($"waiting: {waiting} held polls (target {target}), working set {Mb(observed["workingSetBytes"])} MB, GC heap {Mb(observed["gcHeapBytes"])} MB, after full GC {Mb(afterGc["gcHeapBytes"])} MB; {held.Failures} failed creates");
        }

        return levels;
    }

    public static string Mb(JsonNode? bytes) => (bytes!.GetValue<double>() / (1024 * 1024)).ToString("F0", System.Globalization.CultureInfo.InvariantCulture);
}
