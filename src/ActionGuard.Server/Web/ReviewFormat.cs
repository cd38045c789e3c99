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

    /// <summary>How far <paramref name="at"/> is from <paramref name="now"/>, in words: "in 12 min", "3 h ago".</summary>
    public static string Relative(DateTimeOffset at, DateTimeOffset now)
    {
        var span = at - now;
        return span >= TimeSpan.Zero ? "in " + Duration(span) : Duration(span) + " ago";
    }

    /// <summary>A length of time in words: "less than a minute", "12 min", "3 h 5 min", "4 days".</summary>
    public static string Duration(TimeSpan span)
    {
        var magnitude = span.Duration();
        return magnitude.TotalMinutes < 1 ? "less than a minute"
            : magnitude.TotalHours < 1 ? $"{(int)magnitude.TotalMinutes} min"
            : magnitude.TotalDays < 2 ? $"{(int)magnitude.TotalHours} h {magnitude.Minutes} min"
            : $"{(int)magnitude.TotalDays} days";
    }

    /// <summary>Who decided, and how: "Alice (alice) approved; Bob (bob) denied", or "nobody".</summary>
    public static string DecidedBy(ApprovalRecord record) =>
        record.Decisions.Count == 0
            ? "nobody"
            : string.Join("; ", record.Decisions.Select(d => Party(d.Approver) + (d.Verdict == ApprovalVerdict.Approve ? " approved" : " denied")));

    /// <summary>
    /// How long a pending request's agent has been silent, in words, once that is past
    /// <see cref="Waiting.AgentPresence.GoneAfter"/>; <see langword="null"/> while the agent is heard from (or was never
    /// heard from on this server).
    /// </summary>
    public static string? AgentSilence(ApprovalRecord record, Waiting.AgentPresence presence, DateTimeOffset now) =>
        record.Status == Client.ApprovalStatus.Pending && presence.SeemsGone(record.Id) && presence.LastSeen(record.Id) is { } at
            ? Duration(now - at)
            : null;

    /// <summary>What the request page says about a request whose agent went silent, or <see langword="null"/>.</summary>
    public static string? AgentGone(ApprovalRecord record, Waiting.AgentPresence presence, DateTimeOffset now) =>
        AgentSilence(record, presence, now) is { } silence
            ? $"The agent {record.AgentId} has not asked about this request for {silence}: it may have gone away. An approval runs nothing unless the agent comes back for it."
            : null;
}
