using Microsoft.AspNetCore.Builder;

namespace ActionGuard.Cli;

/// <summary>
/// What a command may touch outside its arguments: output, environment variables and the clock. Tests pass their own
/// to run commands in-process with captured output.
/// </summary>
internal sealed class CliEnvironment
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public Func<string, string?> GetVariable { get; init; } = Environment.GetEnvironmentVariable;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets how long a request to the server may take before the server counts as unreachable.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets how many audit records <c>audit export</c> asks for per page (the server allows up to 1000).</summary>
    public int AuditPageSize { get; init; } = 1000;

    /// <summary>Gets a hook that adjusts the server's builder before <c>serve</c> builds it (tests quieten logging).</summary>
    public Action<WebApplicationBuilder>? ConfigureServer { get; init; }

    /// <summary>Gets a hook called once <c>serve</c> listens, with the addresses it is bound to.</summary>
    public Action<IReadOnlyList<Uri>>? ServerStarted { get; init; }

    public static CliEnvironment FromConsole() => new() { Out = Console.Out, Error = Console.Error };
}
