namespace ActionGuard.AI;

/// <summary>What the model reads when a guarded tool call did not run, written so it can explain and move on.</summary>
internal static class ToolCallMessages
{
    public static string Denied(string tool, ActionDeniedException exception)
    {
        var who = exception.IsPolicyDecision
            ? "by policy"
            : exception.DeniedBy is { } party ? "by " + Describe(party) : "by the approval backend";
        var reason = string.IsNullOrWhiteSpace(exception.Reason) ? "no reason was given" : exception.Reason.Trim().TrimEnd('.');
        return $"The call to '{tool}' was denied {who}: {reason}. It did not run. Do not retry it unchanged; tell the user why.";
    }

    public static string TimedOut(string tool, ApprovalTimeoutException exception) =>
        exception.ExpiredOnBackend
            ? $"The call to '{tool}' was not approved before the request expired. It did not run."
            : $"No one approved the call to '{tool}' in time. It did not run; the request was withdrawn.";

    private static string Describe(ApprovalParty party) =>
        party.Name is { Length: > 0 } name
            ? party.Email is { Length: > 0 } email ? $"{name} ({email})" : name
            : party.Email ?? party.Subject;
}
