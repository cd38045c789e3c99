using System.Globalization;

namespace ActionGuard.Server.LoadTest.Infrastructure;

// CPU time spent by PostgreSQL on this machine (Linux): its live processes' own time plus, through their parents, the
// time of backends that have exited. The server process's CPU leaves it out, though it runs on the same cores.
internal static class DatabaseCpu
{
    // /proc reports times in clock ticks; 100 per second on Linux.
    private const double TicksPerSecond = 100;

    /// <summary>Reads the total so far; zero where /proc is not there.</summary>
    public static TimeSpan Read()
    {
        if (!Directory.Exists("/proc"))
        {
            return TimeSpan.Zero;
        }

        long ticks = 0;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(folder, "stat"));
            }
            catch (IOException)
            {
                continue; // the process ended meanwhile
            }

            // "pid (comm) state ppid ..."; comm may hold spaces, so fields are counted after its closing parenthesis.
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            if (open < 0 || close < open || !string.Equals(stat[(open + 1)..close], "postgres", StringComparison.Ordinal))
            {
                continue;
            }

            // After the comm: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
            var fields = stat[(close + 2)..].Split(' ');
            for (var field = 11; field <= 14; field++)
            {
                ticks += long.Parse(fields[field], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
