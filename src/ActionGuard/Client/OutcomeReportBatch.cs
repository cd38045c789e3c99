namespace ActionGuard.Client;

/// <summary>The body of <c>POST /v1/outcomes</c>.</summary>
internal sealed class OutcomeReportBatch
{
    public required IReadOnlyList<OutcomeReport> Outcomes { get; init; }
}
