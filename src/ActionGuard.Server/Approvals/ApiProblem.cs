using ActionGuard.Client;
using System.Net;

namespace ActionGuard.Server.Approvals;

/// <summary>An RFC 9457 problem: a stable <see cref="Type"/> per error and, for validation, the fields at fault.</summary>
internal sealed class ApiProblem
{
    public ApiProblem(ProtocolProblem kind, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
    {
        Status = (int)kind.Status;
        Type = kind.Type;
        Title = kind.Title;
        Detail = detail;
        Errors = errors;
    }

    public int Status { get; }

    public string Type { get; }

    public string Title { get; }

    public string Detail { get; }

    public IReadOnlyDictionary<string, string[]>? Errors { get; }

    /// <summary>Seconds to wait before retrying, for 429.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ApiProblem Validation(IReadOnlyDictionary<string, string[]> errors) =>
        new(ProtocolProblems.Validation, "See 'errors' for the fields at fault: " + string.Join(", ", errors.Keys) + ".", errors);

    public static ApiProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] });

    public static ApiProblem NotFound(string id) =>
        new(ProtocolProblems.NotFound, $"There is no approval '{id}'.");

    public static ApiProblem NotOwner(string id) =>
        new(ProtocolProblems.NotOwner, $"Approval '{id}' belongs to another agent.");

    public static ApiProblem NotPending(string id, string status) =>
        new(ProtocolProblems.NotPending, $"Approval '{id}' is {status}.");
}
