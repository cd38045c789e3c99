namespace ActionGuard.Client;

/// <summary>What a call to the backend was about, for the exceptions it may raise.</summary>
/// <param name="Operation">A short description such as <c>"Creating the approval"</c>.</param>
/// <param name="ApprovalId">The approval id, when known.</param>
/// <param name="ActionKind">The action kind, when known.</param>
/// <param name="ActionName">The action name, when known.</param>
internal readonly record struct ApprovalCall(string Operation, string? ApprovalId, ActionKind? ActionKind = null, string? ActionName = null)
{
    // The kind comes from a request the caller built, so a malformed one is left out rather than thrown over.
    public static ApprovalCall Creating(string? actionKind, string? actionName) =>
        new("Creating the approval", null, ActionGuard.ActionKind.TryParse(actionKind, out var kind) ? kind : (ActionKind?)null, actionName);

    public static ApprovalCall Getting(string approvalId) => new("Getting the approval", approvalId);

    public static ApprovalCall Watching(string approvalId) => new("Watching the approval", approvalId);

    public static ApprovalCall Claiming(string approvalId) => new("Claiming the approval", approvalId);

    public static ApprovalCall ReportingOutcome(string approvalId) => new("Reporting the outcome", approvalId);

    public static ApprovalCall ReportingOutcomes => new("Reporting outcomes", null);

    public static ApprovalCall Cancelling(string approvalId) => new("Cancelling the approval", approvalId);

    public static ApprovalCall Deciding(string approvalId) => new("Deciding on the approval", approvalId);

    public static ApprovalCall FetchingSigningKeys => new("Fetching the signing keys", null);
}
