using System.Globalization;
using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Identity;

namespace ActionGuard.Server.Web;

/// <summary>How requests read on the page, shared by the list and the detail view. Returns plain text; the writer encodes it.</summary>
internal static class ReviewFormat
{
    public static string Party(ApprovalParty? party)
    {
        if (party is null)
        {
            return "not stated";
        }

        var who = party.Name ?? party.Email ?? party.Subject;
        return party.Issuer is null ? $"{who} ({party.Subject})" : $"{who} ({party.Subject} at {party.Issuer})";
    }

    public static int Approvals(ApprovalRecord record) => record.Decisions.Count(d => d.Verdict == ApprovalVerdict.Approve);

    public static int StillNeeded(ApprovalRecord record) => Math.Max(0, record.Policy.MinApprovals - Approvals(record));

    public static string Needs(ApprovalRecord record) => StillNeeded(record) switch
    {
        0 => "No more approvals",
        1 => "1 more approval",
        var n => n.ToString(CultureInfo.InvariantCulture) + " more approvals",
    };

    public static string Status(ApprovalStatus status) => ApprovalStateMachine.StatusName(status);

    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Whether the person may decide: in one of the request's approver groups (or any person when it names none).</summary>
    public static bool InApproverGroups(ApprovalRecord record, Caller caller) =>
        record.Policy.ApproverGroups.Count == 0 || record.Policy.ApproverGroups.Any(caller.Groups.Contains);

    public static bool HasDecided(ApprovalRecord record, Caller caller) =>
        record.Decisions.Any(d => d.Approver.IsSamePerson(caller.Person));
}
