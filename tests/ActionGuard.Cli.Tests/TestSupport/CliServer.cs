using System.Security.Cryptography;
using System.Text;
using ActionGuard.Client;
using Microsoft.Data.Sqlite;

namespace ActionGuard.Cli.Tests.TestSupport;

// `actionguard serve` run in-process on 127.0.0.1 with a fresh data folder, stopped by cancelling its invocation.
public sealed class CliServer : IAsyncDisposable
{
    public const string AgentId = "agent-1";
    public const string AgentKey = "ag-cli-tests-agent-key";
    public const string AuditorGroup = "actionguard-auditors";

    private readonly CancellationTokenSource _stop;
    private readonly Task<int> _run;
    private readonly StringWriter _output;
    private readonly StringWriter _error;
    private readonly bool _ownsData;

    private CliServer(Uri baseAddress, string dataDirectory, bool ownsData, CancellationTokenSource stop, Task<int> run, StringWriter output, StringWriter error)
    {
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        _ownsData = ownsData;
        _stop = stop;
        _run = run;
        _output = output;
        _error = error;
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    public string Output => _output.ToString();

    public string Error => _error.ToString();

    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "ag-cli-tests", Guid.NewGuid().ToString("N"));

    public static string[] AgentArguments() =>
    [
        "--ActionGuard:Agents:ApiKeys:0:AgentId", AgentId,
        "--ActionGuard:Agents:ApiKeys:0:KeyHash", "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AgentKey))),
        "--ActionGuard:Limits:AgentRequestsPerSecond", "10000",
        "--ActionGuard:Limits:AgentBurst", "10000",
        "--ActionGuard:Limits:ApproverRequestsPerSecond", "10000",
        "--ActionGuard:Limits:ApproverBurst", "10000",
    ];

    public static async Task<CliServer> StartAsync(bool dev = true, string? dataDirectory = null)
    {
        var ownsData = dataDirectory is null;
        dataDirectory ??= NewDataDirectory();
        var output = new StringWriter();
        var error = new StringWriter();
        var started = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var environment = CliRunner.Environment(output, error, new Dictionary<string, string?>(), addresses => started.TrySetResult(addresses[0]));
        var stop = new CancellationTokenSource();
        string[] args = ["serve", "--urls", "http://127.0.0.1:0", "--data-dir", dataDirectory, .. dev ? ["--dev"] : Array.Empty<string>(), .. AgentArguments()];
        var run = Task.Run(() => CliApplication.InvokeAsync(args, environment, stop.Token));
        var first = await Task.WhenAny(started.Task, run).WaitAsync(TimeSpan.FromSeconds(60));
        if (first != started.Task)
        {
            throw new InvalidOperationException($"serve ended with {await run}:\n{output}\n{error}");
        }

        return new CliServer(new Uri((await started.Task).AbsoluteUri.TrimEnd('/') + "/"), dataDirectory, ownsData, stop, run, output, error);
    }

    public Dictionary<string, string?> Variables(string? token) => new()
    {
        ["ACTIONGUARD_SERVER"] = BaseAddress.AbsoluteUri,
        ["ACTIONGUARD_TOKEN"] = token,
    };

    public Task<CliResult> RunAsync(string? token, params string[] args) => CliRunner.RunAsync(Variables(token), args);

    public async Task<string> TokenAsync(string subject, params string[] groups)
    {
        var args = new List<string> { "dev", "token", "--data-dir", DataDirectory, "--subject", subject };
        foreach (var group in groups)
        {
            args.Add("--group");
            args.Add(group);
        }

        var result = await CliRunner.RunAsync([.. args]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Out.Trim();
    }

    public ApprovalClient CreateAgentClient() => new(new ApprovalClientOptions { Endpoint = BaseAddress, ApiKey = AgentKey });

    public async Task<Approval> CreatePendingAsync(ApprovalClient agent, string name = "Exporter.Export", ApprovalParty? initiator = null)
    {
        var request = new CreateApprovalRequest
        {
            Action = new ApprovalAction { Kind = "data_export", Name = name, Resource = "crm://customers", Destination = "s3://exports/q3.csv", Environment = "prod" },
            Initiator = initiator,
            Justification = "quarterly report",
            ActionHash = "sha256:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
        };
        return await agent.CreateApprovalAsync(request, Guid.NewGuid().ToString("N"));
    }

    public void ExecuteSql(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(DataDirectory, "actionguard.db") }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await _run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted)
        {
            await StopAsync();
        }

        _stop.Dispose();
        SqliteConnection.ClearAllPools();
        if (_ownsData)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
