using System.Globalization;

namespace ActionGuard.Server.LoadTest;

// Command-line parameters; every count is bounded and the whole run has a time cap.
internal sealed class LoadOptions
{
    public HashSet<string> Scenarios { get; private set; } = new(StringComparer.OrdinalIgnoreCase) { "waiting", "cycles", "wake", "allowed" };

    // waiting: concurrently waiting requests measured at each level, created by this many agents.
    public List<int> Levels { get; private set; } = [1_000, 5_000, 10_000];

    public int Agents { get; private set; } = 50;

    public int CreateConcurrency { get; private set; } = 64;

    public int WaitSeconds { get; private set; } = 60;

    public int SettleSeconds { get; private set; } = 5;

    // cycles: create + wait + decide + claim + outcome over a fixed duration.
    public int CycleSeconds { get; private set; } = 20;

    // Tiered JIT needs a while under load: a shorter warm-up measured the JIT (28 % of server CPU at 8-20 s).
    public int WarmupSeconds { get; private set; } = 10;

    public int CycleAgents { get; private set; } = 32;

    /// <summary>Gets how many guarded calls run at once in the <c>allowed</c> scenario.</summary>
    public int AllowedCallers { get; private set; } = 32;

    public int Approvers { get; private set; } = 4;

    public bool CycleLongPoll { get; private set; } = true;

    // decisions: pending requests decided as fast as the approvers can.
    public int DecisionBurst { get; private set; } = 3_000;

    // wake: samples of decision-to-wake latency, this many in flight at once.
    public int WakeSamples { get; private set; } = 1_000;

    public int WakeConcurrency { get; private set; } = 4;

    public int WakeDelayMs { get; private set; } = 20;

    // wake: requests held waiting (long-polled) on the server while the samples are taken.
    public int WakeBackground { get; private set; }

    public int MaxSeconds { get; private set; } = 900;

    public bool ServerGc { get; private set; }

    // Agents speak HTTP/2 (cleartext, prior knowledge): held requests share connections, so levels past the machine's
    // per-process file-descriptor limit can be reached.
    public bool Http2 { get; private set; }

    // The server's store: null for the embedded SQLite store; otherwise a PostgreSQL connection string with the right to
    // create databases (each scenario runs on a fresh database, dropped afterwards).
    public string? Postgres { get; private set; }

    public string Output { get; private set; } = Path.Combine("artifacts", "server-load-report.md");

    public IReadOnlyList<string> Raw { get; private set; } = [];

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions { Raw = args };
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int Int(int min, int max)
            {
                var value = int.Parse(Next(), NumberStyles.None, CultureInfo.InvariantCulture);
                return value < min || value > max ? throw new ArgumentException($"{name} must be from {min} to {max}.") : value;
            }

            switch (name)
            {
                case "--scenarios": options.Scenarios = new(Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.OrdinalIgnoreCase); break;
                case "--levels": options.Levels = [.. Next().Split(',').Select(s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture)).Order()]; break;
                case "--agents": options.Agents = Int(1, 1_000); break;
                case "--create-concurrency": options.CreateConcurrency = Int(1, 1_024); break;
                case "--wait-seconds": options.WaitSeconds = Int(1, 60); break;
                case "--settle-seconds": options.SettleSeconds = Int(0, 120); break;
                case "--cycle-seconds": options.CycleSeconds = Int(1, 600); break;
                case "--warmup-seconds": options.WarmupSeconds = Int(0, 120); break;
                case "--cycle-agents": options.CycleAgents = Int(1, 1_024); break;
                case "--allowed-callers": options.AllowedCallers = Int(1, 1_024); break;
                case "--approvers": options.Approvers = Int(1, 256); break;
                case "--cycle-no-long-poll": options.CycleLongPoll = false; break;
                case "--decision-burst": options.DecisionBurst = Int(0, 100_000); break;
                case "--wake-samples": options.WakeSamples = Int(1, 100_000); break;
                case "--wake-concurrency": options.WakeConcurrency = Int(1, 256); break;
                case "--wake-delay-ms": options.WakeDelayMs = Int(0, 5_000); break;
                case "--wake-background": options.WakeBackground = Int(0, 100_000); break;
                case "--max-seconds": options.MaxSeconds = Int(10, 3_600); break;
                case "--server-gc": options.ServerGc = true; break;
                case "--http2": options.Http2 = true; break;
                case "--postgres": options.Postgres = Next(); break;
                case "--out": options.Output = Next(); break;
                default: throw new ArgumentException($"Unknown option '{name}'. See docs/benchmarks-server.md.");
            }
        }

        if (options.Levels.Count == 0 || options.Levels[0] < 1 || options.Levels[^1] > 100_000)
        {
            throw new ArgumentException("--levels must be from 1 to 100000.");
        }

        return options;
    }
}
