using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using DataPreprocessingAgent;
using DataPreprocessingAgent.Backend;
using DataPreprocessingAgent.Review;

namespace ActionGuard.Samples.Tests.DataPreprocessingAgent;

// The agent runs as a child process against a server this test hosts. It is killed (SIGKILL: no withdraw, no goodbye)
// while a person decides, started again with the same work folder, and resumes the two requests it left waiting:
// the person's decisions reach it, nothing is asked twice, and the export runs exactly once.
public sealed class RestartStoryTests : IDisposable
{
    private const string AgentId = "restarting-agent";

    private readonly string _work = Path.Combine(Path.GetTempPath(), "ag-samples-restart", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task An_agent_killed_while_a_person_decides_resumes_both_requests_when_restarted_and_asks_nothing_twice()
    {
        var apiKey = "ag_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await using var server = await EmbeddedServer.StartAsync(Path.Combine(_work, "server"), AgentId, apiKey, PreprocessingStory.PolicyJson);
        using var person = new PersonClient(server.BaseAddress, server.Issuer.MintToken("bob", ["data-stewards"], "Bob", null, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(10)));
        using var auditor = new PersonClient(server.BaseAddress, server.Issuer.MintToken("carol", ["actionguard-auditors"], "Carol", null, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(10)));
        string[] args = ["--server", server.BaseAddress.AbsoluteUri, "--api-key", apiKey, "--agent-id", AgentId, "--interactive", "--work-dir", Path.Combine(_work, "agent")];

        string exportId, grantId;
        using (var first = AgentProcess.Start(args))
        {
            var pending = await WaitForPendingAsync(person, first);
            exportId = pending.Single(a => a.GetProperty("action").GetProperty("kind").GetString() == "data_export").GetProperty("id").GetString()!;
            grantId = pending.Single(a => a.GetProperty("action").GetProperty("kind").GetString() == "permission_change").GetProperty("id").GetString()!;

            // A person takes longer than the few milliseconds between the backend's reply and the entry's write.
            await first.WaitForAsync(() => Directory.GetFiles(Path.Combine(_work, "agent", "pending-approvals"), "*.pending.json").Length == 2);
            first.Kill();
        }

        // Killed, not stopped: both requests are still waiting for the person.
        Assert.Equal(2, (await person.ListPendingAsync()).Count);

        using var second = AgentProcess.Start(args);
        await second.WaitForOutputAsync(text => CountOf(text, "was requested by an earlier run of this agent") == 2);
        await person.DecideAsync(exportId, approve: true, "approved while the agent was restarting");
        await person.DecideAsync(grantId, approve: false, "no standing access");
        var (exitCode, output) = await second.WaitForExitAsync();

        Assert.True(exitCode == 0, output);
        Assert.Contains("export ran: bucket/partner-drop/2024-q3/customers-raw.csv", output, StringComparison.Ordinal);
        Assert.Contains("denied by Bob: no standing access. It did not run.", output, StringComparison.Ordinal);
        var audit = await auditor.ReadAuditAsync();
        Assert.Equal(2, audit.Count(r => r.GetProperty("type").GetString() == "requested"));
        Assert.Single(audit, r => r.GetProperty("type").GetString() == "succeeded" && r.GetProperty("approvalId").GetString() == exportId);
        Assert.Equal(
            await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "data", "customers.csv")),
            await File.ReadAllBytesAsync(Path.Combine(_work, "agent", "bucket", PreprocessingStory.Bucket, "2024-q3", "customers-raw.csv")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_work, "agent", "pending-approvals"), "*.pending.json"));
    }

    private static async Task<IReadOnlyList<System.Text.Json.JsonElement>> WaitForPendingAsync(PersonClient person, AgentProcess agent)
    {
        for (var i = 0; i < 1200; i++)
        {
            var pending = await person.ListPendingAsync();
            if (pending.Count == 2)
            {
                return pending;
            }

            if (agent.HasExited)
            {
                break;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The agent's two requests did not appear:\n" + agent.Output);
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    // The sample's own program, run by the same dotnet host as the tests.
    private sealed class AgentProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly Lock _gate = new();

        private AgentProcess(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public bool HasExited => _process.HasExited;

        public string Output
        {
            get
            {
                lock (_gate)
                {
                    return _output.ToString();
                }
            }
        }

        public static AgentProcess Start(IEnumerable<string> args)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "DataPreprocessingAgent.dll"));
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            return new AgentProcess(Process.Start(start)!);
        }

        public Task WaitForOutputAsync(Func<string, bool> done) => WaitForAsync(() => done(Output));

        public async Task WaitForAsync(Func<bool> done)
        {
            for (var i = 0; i < 1200; i++)
            {
                if (done())
                {
                    return;
                }

                if (_process.HasExited)
                {
                    break;
                }

                await Task.Delay(50);
            }

            throw new TimeoutException("The agent did not get there:\n" + Output);
        }

        public async Task<(int ExitCode, string Output)> WaitForExitAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
                throw new TimeoutException("The restarted agent did not finish:\n" + Output);
            }

            _process.WaitForExit();
            return (_process.ExitCode, Output);
        }

        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_gate)
            {
                _output.AppendLine(line);
            }
        }
    }
}
