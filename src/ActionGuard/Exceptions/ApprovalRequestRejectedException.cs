using System.Net;

namespace ActionGuard;

/// <summary>
/// The backend refused the request with a client error (4xx): bad input, a missing or wrong credential, a conflict or a
/// limit. Retrying the same request does not help; the action did not run.
/// </summary>
public sealed class ApprovalRequestRejectedException : ActionGuardException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What happened, including the problem's title and detail.</param>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="problemType">The RFC 9457 problem <c>type</c> URI, when given.</param>
    /// <param name="errors">Validation errors by field, when given.</param>
    public ApprovalRequestRejectedException(
        string message,
        HttpStatusCode statusCode,
        string? problemType = null,
        IReadOnlyDictionary<string, string[]>? errors = null)
        : base(message)
    {
        StatusCode = statusCode;
        ProblemType = problemType;
        Errors = errors ?? new Dictionary<string, string[]>();
    }

    /// <summary>Gets the HTTP status code.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>Gets the stable problem <c>type</c> URI, for programmatic handling.</summary>
    public string? ProblemType { get; }

    /// <summary>Gets the validation errors by field name.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }
}
