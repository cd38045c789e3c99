using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ActionGuard.Server.Tests.TestSupport;

// One real PostgreSQL for the whole test run: initdb into a temporary folder, started on 127.0.0.1 with a free port and
// its socket in that folder, stopped and deleted at the end. Each test gets its own database. PostgreSQL refuses to run
// as root, so as root the server runs as the `postgres` OS user.
public sealed class PostgresServer : IAsyncLifetime
{
    public const string Collection = "PostgreSQL";

    // Points at a folder with initdb and pg_ctl, when they are not under /usr/lib/postgresql/<version>/bin.
    public const string BinariesVariable = "ACTIONGUARD_TEST_POSTGRES_BIN";

    private const string OsUser = "postgres";

    private string? _root;
    private string? _bin;
    private bool _started;
    private int _databases;

    public int Port { get; private set; }

    public string AdminConnectionString => ConnectionString("postgres");

    public async Task InitializeAsync()
    {
        _bin = FindBinaries();
        _root = Path.Combine(Path.GetTempPath(), "ag-postgres-" + Guid.NewGuid().ToString("N"));
        var data = Path.Combine(_root, "data");
        Directory.CreateDirectory(_root);
        var asRoot = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        if (asRoot)
        {
            await RunAsync("chown", ["-R", OsUser + ":" + OsUser, _root], asUser: false);
        }

        await RunAsync(Path.Combine(_bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], asRoot);
        Port = FreePort();
        var settings = string.Join(
            ' ',
            "-c listen_addresses=127.0.0.1",
            "-c port=" + Port.ToString(CultureInfo.InvariantCulture),
            "-k " + _root,
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            "-c max_connections=300");
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "-o", settings, "start"], asRoot);
        _started = true;
    }

    /// <summary>Creates an empty database and returns a TCP connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "ag_test_" + Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture) + "_" + Guid.NewGuid().ToString("N")[..8];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand("CREATE DATABASE " + name + ";", connection);
        await create.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Timeout = 30,
    }.ConnectionString;

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_root is null)
        {
            return;
        }

        try
        {
            if (_started)
            {
                await RunAsync(Path.Combine(_bin!, "pg_ctl"), ["-D", Path.Combine(_root, "data"), "-w", "-m", "fast", "stop"], string.Equals(Environment.UserName, "root", StringComparison.Ordinal));
            }
        }
        finally
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static string FindBinaries()
    {
        var configured = Environment.GetEnvironmentVariable(BinariesVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(Path.Combine(configured, "initdb"))
                ? configured
                : throw new InvalidOperationException($"{BinariesVariable} is '{configured}', but there is no initdb in it.");
        }

        const string Root = "/usr/lib/postgresql";
        var newest = Directory.Exists(Root)
            ? Directory.GetDirectories(Root)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Dir)
                .FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException(
            "The PostgreSQL tests need a local PostgreSQL server (initdb and pg_ctl) and found none under " + Root + "/<version>/bin. "
            + "Install the `postgresql` package (Debian/Ubuntu: apt-get install -y postgresql) or set " + BinariesVariable + " to the folder holding initdb and pg_ctl.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asUser)
    {
        var start = new ProcessStartInfo(asUser ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asUser)
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(OsUser);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(file);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + file + ".");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed with exit code {process.ExitCode}: {await output}{await error}");
        }
    }
}
