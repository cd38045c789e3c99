using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace ActionGuard.Server.LoadTest.Infrastructure;

// The server child process, seen from the driver: start, wait for its address, read its stats, stop it.
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _stats;

    private ServerProcess(Process process, Uri baseAddress, Uri http2Address)
    {
        Http2Address = http2Address;
        _process = process;
        BaseAddress = baseAddress;
        _stats = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    /// <summary>Gets the server's HTTP/2-only (cleartext, prior knowledge) endpoint.</summary>
    public Uri Http2Address { get; }

    public int Id => _process.Id;

    public static async Task<ServerProcess> StartAsync(string settingsPath, bool serverGc, CancellationToken cancellationToken)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        }

        info.ArgumentList.Add("--serve");
        info.ArgumentList.Add(settingsPath);
        info.Environment["DOTNET_gcServer"] = serverGc ? "1" : "0";
        var process = Process.Start(info) ?? throw new InvalidOperationException("The server process did not start.");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException("The server exited before it listened: " + stderr);
                if (line.StartsWith(ServeMode.ReadyPrefix, StringComparison.Ordinal))
                {
                    var addresses = line[ServeMode.ReadyPrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var server = new ServerProcess(process, new Uri(addresses[0].TrimEnd('/') + "/"), new Uri(addresses[1].TrimEnd('/') + "/"));
                    // Keep draining stdout so the child never blocks on a full pipe.
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    return server;
                }
            }
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async Task<JsonNode> StatsAsync(bool collect = false, bool reset = false, CancellationToken cancellationToken = default)
    {
        var query = (collect, reset) switch
        {
            (true, true) => "?gc=1&reset=1",
            (true, false) => "?gc=1",
            (false, true) => "?reset=1",
            _ => string.Empty,
        };
        var text = await _stats.GetStringAsync(new Uri("_load/stats" + query, UriKind.Relative), cancellationToken);
        return JsonNode.Parse(text)!;
    }

    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stats.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                await _process.StandardInput.WriteLineAsync("stop");
                await _process.StandardInput.FlushAsync();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await _process.WaitForExitAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
        }
        catch (IOException)
        {
            // The pipe is gone: the child has exited or is exiting.
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}
