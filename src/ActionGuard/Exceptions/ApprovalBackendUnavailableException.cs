using System.Net;

namespace ActionGuard;

/// <summary>
/// The approval backend could not be reached, failed, or answered with something that is not a valid protocol reply,
/// after the configured retries. The action did not run.
/// </summary>
public sealed class ApprovalBackendUnavailableException : ActionGuardException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="statusCode">The last HTTP status, when there was a response.</param>
    /// <param name="innerException">The cause.</param>
    public ApprovalBackendUnavailableException(string message, HttpStatusCode? statusCode, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>Gets the last HTTP status code, when the backend answered at all.</summary>
    public HttpStatusCode? StatusCode { get; }
}
