using ActionGuard.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace ActionGuard.Cli.Tests.TestSupport;

public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}

// Runs actionguard in-process: the same root command as the tool, with captured output and its own variables.
public static class CliRunner
{
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string?>(), args);

    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> variables, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = Environment(output, error, variables);
        var code = await CliApplication.InvokeAsync(args, environment);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    internal static CliEnvironment Environment(
        TextWriter output,
        TextWriter error,
        IReadOnlyDictionary<string, string?> variables,
        Action<IReadOnlyList<Uri>>? started = null) => new()
    {
        Out = TextWriter.Synchronized(output),
        Error = TextWriter.Synchronized(error),
        // Never the machine's variables: a developer's ACTIONGUARD_TOKEN must not leak into the tests.
        GetVariable = name => variables.TryGetValue(name, out var value) ? value : null,
        RequestTimeout = TimeSpan.FromSeconds(20),
        // Small pages, so every export crosses several page boundaries.
        AuditPageSize = 3,
        ConfigureServer = builder => builder.Logging.ClearProviders(),
        ServerStarted = started,
    };
}
