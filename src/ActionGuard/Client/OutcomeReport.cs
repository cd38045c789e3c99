namespace ActionGuard.Client;

/// <summary>One item of <c>POST /v1/outcomes</c>: how one claimed action ended.</summary>
public sealed class OutcomeReport
{
    /// <summary>The most outcomes one request may carry.</summary>
    public const int MaxPerRequest = 100;

    /// <summary>Gets the approval whose action ended.</summary>
    public required string ApprovalId { get; init; }

    /// <summary>Gets how the action ended.</summary>
    public required OutcomeStatus Status { get; init; }

    /// <summary>Gets a short, redacted description of the error for a failure.</summary>
    public string? Error { get; init; }
}
