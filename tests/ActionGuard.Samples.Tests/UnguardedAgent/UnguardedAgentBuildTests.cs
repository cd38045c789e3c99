using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using ActionGuard.TestSupport;

namespace ActionGuard.Samples.Tests.UnguardedAgent;

// The CI story of the README: the analyzer, referenced the way a package user gets it, fails the unguarded agent's
// build at the exact file and line, and the guarded version builds clean. Each test is one real 'dotnet build'.
public sealed class UnguardedAgentBuildTests
{
    private static readonly string RepositoryRoot = Path.GetFullPath(Path.Combine(SourceFiles.DirectoryOf(), "..", "..", ".."));
    private static readonly string Project = Path.Combine(RepositoryRoot, "samples", "UnguardedAgent", "UnguardedAgent.csproj");
    private static readonly string UnguardedSource = Path.Combine(RepositoryRoot, "samples", "UnguardedAgent", "Unguarded", "CleanupTools.cs");

    [Fact]
    public async Task Unguarded_agent_fails_its_build_with_AG0001_and_AG0003_at_file_and_line()
    {
        var (exitCode, output) = await BuildAsync();

        Assert.True(exitCode != 0, output);
        var export = LineOf(UnguardedSource, "store.PutObjectAsync(");
        var kubectl = LineOf(UnguardedSource, "Process.Start(\"kubectl\"");
        Assert.Matches(Diagnostic("AG0001", export), output);
        Assert.Matches(Diagnostic("AG0003", kubectl), output);
        Assert.Contains("is a data export (uploads an object to a bucket outside the company)", output);

        // Nothing else fails the build: the sample shows the analyzer's findings and only those.
        var errors = Regex.Matches(output, @"error (?<id>[A-Z]+[0-9]+):").Select(m => m.Groups["id"].Value).Distinct().Order();
        Assert.Equal(["AG0001", "AG0003"], errors);
    }

    [Fact]
    public async Task Fixed_agent_builds_clean()
    {
        var (exitCode, output) = await BuildAsync("-p:Fixed=true");

        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("AG000", output);
        Assert.DoesNotContain(": warning ", output);
    }

    private static string Diagnostic(string id, int line) =>
        $@"samples[/\\]UnguardedAgent[/\\]Unguarded[/\\]CleanupTools\.cs\({line},\d+\): error {id}:";

    private static int LineOf(string file, string text)
    {
        var lines = File.ReadAllLines(file);
        var index = Array.FindIndex(lines, l => l.Contains(text, StringComparison.Ordinal));
        Assert.True(index >= 0, $"'{text}' is not in {file}");
        return index + 1;
    }

    private static async Task<(int ExitCode, string Output)> BuildAsync(params string[] extra)
    {
#if DEBUG
        const string Configuration = "Debug";
#else
        const string Configuration = "Release";
#endif
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot,
        };

        // The referenced SDK projects were built with this test assembly; building them again here would race with
        // other test projects reading their outputs. No build server or node outlives the child (it would hold the
        // output pipes open).
        foreach (var argument in (string[])["build", Project, "-c", Configuration, "-p:BuildProjectReferences=false", "-p:RestoreRecursive=false", "-nodeReuse:false", "-p:UseSharedCompilation=false", .. extra])
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs under 'dotnet test', whose MSBuild settings would point the child at the wrong SDK parts.
        foreach (var name in (string[])["MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly"])
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet build did not finish within 5 minutes.");
        }

        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }
}
