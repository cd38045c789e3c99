using Microsoft.Extensions.Logging;

namespace ActionGuard.Server.Development;

/// <summary>Structured log events of development mode. Codes, verifiers and tokens are never logged.</summary>
internal static partial class DevelopmentLog
{
    [LoggerMessage(301, LogLevel.Warning, "Development mode is on (INSECURE): the development issuer {Issuer} is trusted, its key is {KeyFile}; anyone can sign in as anyone")]
    public static partial void On(ILogger logger, string issuer, string keyFile);

    [LoggerMessage(302, LogLevel.Information, "Development sign-in form: signed in as {Subject} with groups {Groups}")]
    public static partial void SignedIn(ILogger logger, string subject, string groups);

    [LoggerMessage(303, LogLevel.Warning, "Development token endpoint refused a request: {Error} ({Reason})")]
    public static partial void TokenRefused(ILogger logger, string error, string reason);

    [LoggerMessage(304, LogLevel.Warning, "Development authorization request refused: {Reason}")]
    public static partial void AuthorizeRefused(ILogger logger, string reason);
}
