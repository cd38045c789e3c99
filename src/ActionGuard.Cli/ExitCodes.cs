namespace ActionGuard.Cli;

/// <summary>The process exit codes of <c>actionguard</c>; scripts rely on them, so they never change meaning.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked (for <c>audit verify</c>: the chain is intact).</summary>
    public const int Ok = 0;

    /// <summary>The server refused (problem+json), the audit chain is broken, or the server could not start.</summary>
    public const int Refused = 1;

    /// <summary>The command line is wrong: unknown or missing arguments, no token, an unsafe <c>--dev</c>.</summary>
    public const int Usage = 2;

    /// <summary>The server could not be reached or did not answer in time.</summary>
    public const int Unreachable = 3;
}
