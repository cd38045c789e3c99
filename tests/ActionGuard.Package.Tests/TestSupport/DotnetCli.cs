using System.Diagnostics;
using System.Text;

namespace ActionGuard.Package.Tests.TestSupport;

/// <summary>Runs the <c>dotnet</c> of the SDK running the tests, with its full output kept for failure messages.</summary>
internal static class DotnetCli
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    // A build server that outlives its build can inherit the output pipe; do not wait for it once dotnet itself exited.
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(15);

    public static Task<DotnetResult> RunAsync(string workingDirectory, IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        RunAsync(HostPath(), "dotnet", workingDirectory, arguments, timeout);

    /// <summary>Runs an installed tool's launcher, which finds the runtime through DOTNET_ROOT like a user's shell would.</summary>
    public static Task<DotnetResult> RunToolAsync(string workingDirectory, string launcher, IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        RunAsync(launcher, Path.GetFileName(launcher), workingDirectory, arguments, timeout);

    private static async Task<DotnetResult> RunAsync(string fileName, string displayName, string workingDirectory, IEnumerable<string> arguments, TimeSpan? timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The outer `dotnet test` exports MSBuild's own paths to its children; a nested build must find its SDK itself
        // (the one global.json selects), not inherit the test runner's.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        info.Environment["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false";
        if (DotnetRoot() is { } root)
        {
            info.Environment["DOTNET_ROOT"] = root;
        }

        // Reused MSBuild nodes would outlive the test and hold its pipes open.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        var output = new StringBuilder();
        void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }
        }

        var commandLine = displayName + " " + string.Join(' ', info.ArgumentList);
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var limit = timeout ?? DefaultTimeout;
        var timedOut = await Task.WhenAny(exited.Task, Task.Delay(limit)) != exited.Task;
        if (timedOut)
        {
            process.Kill(entireProcessTree: true);
        }

        using (var drain = new CancellationTokenSource(OutputDrainTimeout))
        {
            try
            {
                await process.WaitForExitAsync(drain.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        string text;
        lock (output)
        {
            text = output.ToString();
        }

        return new DotnetResult(
            commandLine,
            workingDirectory,
            timedOut ? -1 : process.ExitCode,
            timedOut ? $"{text}\n[timed out after {limit} and was killed]" : text,
            stopwatch.Elapsed);
    }

    private static string HostPath()
    {
        // Set by the SDK for the processes it starts: the dotnet that is running this test.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists) ?? name;
    }

    private static string? DotnetRoot()
    {
        // The installation folder is where the real host lives, behind any symbolic link such as /usr/bin/dotnet.
        var host = HostPath();
        if (!File.Exists(host))
        {
            return null;
        }

        var target = File.ResolveLinkTarget(host, returnFinalTarget: true)?.FullName ?? host;
        return Path.GetDirectoryName(Path.GetFullPath(target));
    }
}
