namespace ActionGuard.Client;

/// <summary>The reply to <c>POST /v1/outcomes</c>: one result per item, in the request's order.</summary>
internal sealed class OutcomeReportResults
{
    public required IReadOnlyList<OutcomeReportResult> Results { get; init; }
}
