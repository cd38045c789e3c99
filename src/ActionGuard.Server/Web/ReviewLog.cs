using Microsoft.Extensions.Logging;

namespace ActionGuard.Server.Web;

/// <summary>Structured log events of the review page. Codes, tokens, state and verifiers are never logged.</summary>
internal static partial class ReviewLog
{
    [LoggerMessage(201, LogLevel.Warning, "Review page sign-in refused: {Reason}")]
    public static partial void SignInRefused(ILogger logger, string reason);

    [LoggerMessage(202, LogLevel.Information, "Review page sign-in of {Subject} at {Issuer}")]
    public static partial void SignedIn(ILogger logger, string subject, string issuer);

    [LoggerMessage(203, LogLevel.Warning, "Review page form refused on {Path}: the antiforgery token is missing or not valid")]
    public static partial void FormRefused(ILogger logger, string path);
}
