using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using ActionGuard.Server.LoadTest.Scenarios;

namespace ActionGuard.Server.LoadTest.Infrastructure;

// The markdown report: printed to stdout and written under artifacts/.
internal sealed class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public List<WaitingScenario.Level>? Waiting { get; set; }

    public CyclesScenario.Result? Cycles { get; set; }

    public CyclesScenario.BurstResult? Burst { get; set; }

    public WakeScenario.Result? Wake { get; set; }

    public AllowedScenario.Result? Allowed { get; set; }

    public List<string> LoadAverages { get; } = [];

    public bool? ServerGc { get; set; }

    private static string StoreName(LoadOptions options) => options.Postgres is null ? "SQLite" : "PostgreSQL";

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public string Render(LoadOptions options, TimeSpan elapsed)
    {
        var b = new StringBuilder();
        b.AppendLine(Inv, $"# ActionGuard.Server load report ({DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        b.AppendLine();
        b.AppendLine("## Results against the targets");
        b.AppendLine();
        b.AppendLine("| measure | value | target | verdict |");
        b.AppendLine("|---|---|---|---|");
        if (Waiting is { Count: > 1 })
        {
            foreach (var level in Waiting.Skip(1))
            {
                var ws = Mb(level.Observed["workingSetBytes"]);
                var target = level.Target == 10_000 ? "< 500 MB" : string.Empty;
                var verdict = level.Target == 10_000 ? (ws < 500 ? "met" : "missed") : string.Empty;
                b.AppendLine(Inv, $"| server working set, {level.Waiting:N0} waiting requests | {ws:F0} MB (GC heap {Mb(level.Observed["gcHeapBytes"]):F0} MB) | {target} | {verdict} |");
            }
        }

        if (Cycles is { } c)
        {
            var rate = c.Cycles / c.Seconds;
            b.AppendLine(Inv, $"| create+decide+claim(+outcome) cycles/s, {StoreName(options)} | {rate:F0} | ≥ 1,000 | {(rate >= 1000 ? "met" : "missed")} |");
            b.AppendLine(Inv, $"| decisions/s inside the cycles | {c.Decisions / c.Seconds:F0} | | |");
        }

        if (Burst is { } d)
        {
            b.AppendLine(Inv, $"| decisions/s, decide-only burst of {d.Requests:N0} | {d.Requests / d.Seconds:F0} | | |");
        }

        if (Wake is { } w)
        {
            b.AppendLine(Inv, $"| decision-to-wake p50 / p90 / p99 / max, {w.HeldMeanwhile:N0} other requests waiting | {w.Wake.P50Ms:F1} / {w.Wake.P90Ms:F1} / {w.Wake.P99Ms:F1} / {w.Wake.MaxMs:F1} ms | p99 ≤ 5 ms | {(w.Wake.P99Ms <= 5 ? "met" : "missed")} |");
        }

        if (Allowed is { } a)
        {
            var rate = a.Calls / a.Seconds;
            b.AppendLine(Inv, $"| allowed guarded calls/s, SDK → server, {StoreName(options)} ({a.Callers} at once) | {rate:F0} | ≥ 5,000 | {(rate >= 5000 ? "met" : "missed")} |");
            b.AppendLine(Inv, $"| allowed call latency p50 / p99 | {a.Call.P50Ms:F1} / {a.Call.P99Ms:F1} ms | p99 ≤ 10 ms | {(a.Call.P99Ms <= 10 ? "met" : "missed")} |");
            b.AppendLine(Inv, $"| server CPU per allowed call | {(a.Calls == 0 ? 0 : a.ServerCpuSeconds / a.Calls * 1e6):F0} µs ({a.Errors} errors) | | |");
            if (options.Postgres is not null)
            {
                b.AppendLine(Inv, $"| PostgreSQL CPU per allowed call | {(a.Calls == 0 ? 0 : a.DatabaseCpuSeconds / a.Calls * 1e6):F0} µs | | |");
            }
        }

        b.AppendLine();
        if (Waiting is { } levels)
        {
            b.AppendLine("## Memory with concurrently waiting requests (server process)");
            b.AppendLine();
            b.AppendLine("| held long polls | working set MB | private MB | GC heap MB | GC committed MB | GC heap after full GC MB | working set after full GC MB | creates/s during ramp | threads |");
            b.AppendLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var l in levels)
            {
                b.AppendLine(Inv, $"| {l.Waiting:N0} | {Mb(l.Observed["workingSetBytes"]):F0} | {Mb(l.Observed["privateBytes"]):F0} | {Mb(l.Observed["gcHeapBytes"]):F0} | {Mb(l.Observed["gcCommittedBytes"]):F0} | {Mb(l.AfterFullGc["gcHeapBytes"]):F0} | {Mb(l.AfterFullGc["workingSetBytes"]):F0} | {l.CreatesPerSecond:F0} | {l.Observed["threads"]} |");
            }

            if (levels.Count > 2)
            {
                var first = levels[1];
                var last = levels[^1];
                var perRequest = (last.AfterFullGc["gcHeapBytes"]!.GetValue<double>() - first.AfterFullGc["gcHeapBytes"]!.GetValue<double>()) / Math.Max(1, last.Waiting - first.Waiting);
                var wsPerRequest = (last.Observed["workingSetBytes"]!.GetValue<double>() - first.Observed["workingSetBytes"]!.GetValue<double>()) / Math.Max(1, last.Waiting - first.Waiting);
                b.AppendLine();
                b.AppendLine(Inv, $"Marginal cost per waiting request: {perRequest / 1024:F1} KB of live GC heap, {wsPerRequest / 1024:F1} KB of working set.");
            }

            b.AppendLine();
        }

        if (Cycles is { } cycles)
        {
            b.AppendLine(Inv, $"## Cycles ({cycles.Seconds:F0} s window after a {options.WarmupSeconds} s warm-up; {options.CycleAgents} agents, {options.Approvers} approvers, long poll {(options.CycleLongPoll ? "on" : "off")})");
            b.AppendLine();
            b.AppendLine(Inv, $"{cycles.Cycles:N0} cycles, {cycles.Decisions:N0} decisions, {cycles.Errors} errors. CPU in the window: server {cycles.ServerCpuSeconds:F1} s ({cycles.ServerCpuSeconds / cycles.Seconds * 100:F0} % of one core), driver {cycles.DriverCpuSeconds:F1} s ({cycles.DriverCpuSeconds / cycles.Seconds * 100:F0} %); server CPU per cycle {cycles.ServerCpuSeconds * 1000 / Math.Max(1, cycles.Cycles):F2} ms.");
            if (options.Postgres is not null)
            {
                b.AppendLine(Inv, $"PostgreSQL CPU in the window {cycles.DatabaseCpuSeconds:F1} s; per cycle {cycles.DatabaseCpuSeconds * 1000 / Math.Max(1, cycles.Cycles):F2} ms.");
            }
            b.AppendLine();
            b.AppendLine("| step (client-side) | n | mean ms | p50 ms | p90 ms | p99 ms | max ms |");
            b.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var (name, s) in cycles.Client)
            {
                b.AppendLine(Inv, $"| {name} | {s.Count:N0} | {s.MeanMs:F2} | {s.P50Ms:F2} | {s.P90Ms:F2} | {s.P99Ms:F2} | {s.MaxMs:F2} |");
            }

            b.AppendLine();
            AppendEndpoints(b, "Server-side time per endpoint in the window (middleware in front of the server)", cycles.ServerEndpoints);
            b.AppendLine(Inv, $"Server GC after the run: gen0 {cycles.ServerAfter["gen0"]}, gen1 {cycles.ServerAfter["gen1"]}, gen2 {cycles.ServerAfter["gen2"]}, total pause {cycles.ServerAfter["gcPauseMs"]!.GetValue<double>():F0} ms, allocated {Mb(cycles.ServerAfter["gcAllocatedBytes"]):F0} MB.");
            b.AppendLine();
        }

        if (Burst is { } burst)
        {
            b.AppendLine(Inv, $"## Decide-only burst ({burst.Requests:N0} pending, {options.Approvers * 4} concurrent deciders)");
            b.AppendLine();
            b.AppendLine(Inv, $"{burst.Requests / burst.Seconds:F0} decisions/s; decide round trip p50 {burst.Decide.P50Ms:F2} ms, p99 {burst.Decide.P99Ms:F2} ms; {burst.Errors} errors; server CPU per decision {burst.ServerCpuSeconds * 1000 / burst.Requests:F2} ms.");
            b.AppendLine();
            AppendEndpoints(b, "Server-side time per endpoint during the burst", burst.ServerEndpoints);
        }

        if (Wake is { } wake)
        {
            b.AppendLine(Inv, $"## Decision-to-wake ({options.WakeSamples:N0} samples after 50 warm-up, {options.WakeConcurrency} in flight, poll held {options.WakeDelayMs} ms before the decision, {wake.HeldMeanwhile:N0} other requests waiting)");
            b.AppendLine();
            b.AppendLine("| measure | n | mean | p50 | p90 | p99 | max |");
            b.AppendLine("|---|---|---|---|---|---|---|");
            b.AppendLine(Inv, $"| decide sent → agent has `approved` | {wake.Wake.Count:N0} | {wake.Wake.MeanMs:F2} | {wake.Wake.P50Ms:F2} | {wake.Wake.P90Ms:F2} | {wake.Wake.P99Ms:F2} | {wake.Wake.MaxMs:F2} |");
            b.AppendLine(Inv, $"| decide sent → approver has the reply | {wake.DecideReply.Count:N0} | {wake.DecideReply.MeanMs:F2} | {wake.DecideReply.P50Ms:F2} | {wake.DecideReply.P90Ms:F2} | {wake.DecideReply.P99Ms:F2} | {wake.DecideReply.MaxMs:F2} |");
            b.AppendLine();
            b.AppendLine(Inv, $"Discarded samples (poll returned before the decision or without `approved`): {wake.Discarded}.");
            b.AppendLine();
        }

        b.AppendLine("## Machine and parameters");
        b.AppendLine();
        b.AppendLine(Inv, $"- cores: {Environment.ProcessorCount}; CPU: {CpuModel()}; memory: {TotalMemoryGb()}");
        b.AppendLine(Inv, $"- runtime: {RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture})");
        b.AppendLine(Inv, $"- store: {(options.Postgres is null ? "SQLite (embedded, the default)" : "PostgreSQL (a fresh database per scenario)")}; agents speak {(options.Http2 ? "HTTP/2 (cleartext, prior knowledge)" : "HTTP/1.1")}");
        b.AppendLine(Inv, $"- server GC: {(ServerGc is true ? "server" : "workstation, concurrent")}; server and driver are separate processes on the same cores");
        b.AppendLine(Inv, $"- load average (1/5/15 min) at: {string.Join("; ", LoadAverages)} — the 2 cores are shared with other engineers' builds and tests");
        b.AppendLine(Inv, $"- arguments: `{string.Join(' ', options.Raw)}`");
        b.AppendLine(Inv, $"- parameters: levels {string.Join('/', options.Levels)}, agents {options.Agents}, create concurrency {options.CreateConcurrency}, wait {options.WaitSeconds} s, settle {options.SettleSeconds} s; cycles {options.CycleSeconds} s with {options.CycleAgents} agents and {options.Approvers} approvers; burst {options.DecisionBurst}; wake {options.WakeSamples} samples × {options.WakeConcurrency}");
        b.AppendLine(Inv, $"- total run time: {elapsed.TotalSeconds:F0} s (cap {options.MaxSeconds} s)");
        return b.ToString();
    }

    private static void AppendEndpoints(StringBuilder b, string title, JsonNode endpoints)
    {
        b.AppendLine(Inv, $"{title}:");
        b.AppendLine();
        b.AppendLine("| endpoint | requests | mean ms | max ms |");
        b.AppendLine("|---|---|---|---|");
        foreach (var (name, value) in endpoints.AsObject())
        {
            var count = value!["count"]!.GetValue<double>();
            if (count > 0)
            {
                b.AppendLine(Inv, $"| {name} | {count:N0} | {value["meanMs"]!.GetValue<double>():F2} | {value["maxMs"]!.GetValue<double>():F1} |");
            }
        }

        b.AppendLine();
    }

    private static double Mb(JsonNode? bytes) => bytes!.GetValue<double>() / (1024 * 1024);

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string TotalMemoryGb() =>
        (GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024)).ToString("F0", Inv) + " GB";
}
