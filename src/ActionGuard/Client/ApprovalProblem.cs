namespace ActionGuard.Client;

/// <summary>An RFC 9457 <c>application/problem+json</c> body as the backend sends it with a 4xx or 5xx reply.</summary>
internal sealed class ApprovalProblem
{
    public string? Type { get; init; }

    public string? Title { get; init; }

    public int? Status { get; init; }

    public string? Detail { get; init; }

    public Dictionary<string, string[]>? Errors { get; init; }
}
