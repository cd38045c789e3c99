namespace ActionGuard.Package.Tests.TestSupport;

/// <summary>The outcome of one <c>dotnet</c> command; <see cref="ToString"/> is the whole story for a failure message.</summary>
public sealed record DotnetResult(string CommandLine, string WorkingDirectory, int ExitCode, string Output, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    public override string ToString() =>
        $"`{CommandLine}` in {WorkingDirectory} exited with {ExitCode} after {Elapsed.TotalSeconds:F1} s:\n{Output}";
}
