using ActionGuard.Client;
using ActionGuard.Server.Approvals;

namespace ActionGuard.Server.Web;

/// <summary>
/// The figures an auditor looks at, computed from the requests: requests per day by kind, approvals and denials by
/// policy rule, time to a person's decision by approver group (p50/p90), and decisions made by policy versus people.
/// </summary>
internal sealed class AuditStatistics
{
    /// <summary>How many days back the daily figures go.</summary>
    public const int Days = 14;

    private AuditStatistics()
    {
    }

    /// <summary>Gets the days (UTC, oldest first), each with its requests by kind and its decisions.</summary>
    public IReadOnlyList<(DateOnly Day, IReadOnlyDictionary<string, int> RequestsByKind, int Decisions)> PerDay { get; private init; } = [];

    /// <summary>Gets the kinds seen in <see cref="PerDay"/>, in name order.</summary>
    public IReadOnlyList<string> Kinds { get; private init; } = [];

    /// <summary>Gets, per policy rule, how many requests it governed ended approved and how many denied.</summary>
    public IReadOnlyList<(string Rule, int Approved, int Denied)> ByRule { get; private init; } = [];

    /// <summary>Gets, per approver group, the median and 90th percentile of the time from request to a person's final decision.</summary>
    public IReadOnlyList<(string Group, int Decided, TimeSpan P50, TimeSpan P90)> TimeToDecision { get; private init; } = [];

    /// <summary>Gets how many requests policy decided, and how many people decided.</summary>
    public (int ByPolicy, int ByPeople) Deciders { get; private init; }

    /// <summary>Gets how many requests the figures cover.</summary>
    public int Requests { get; private init; }

    public static AuditStatistics From(IReadOnlyCollection<ApprovalRecord> records, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var first = today.AddDays(-(Days - 1));
        var kinds = new SortedSet<string>(StringComparer.Ordinal);
        var requests = new Dictionary<DateOnly, Dictionary<string, int>>();
        var decisions = new Dictionary<DateOnly, int>();
        var rules = new SortedDictionary<string, (int Approved, int Denied)>(StringComparer.Ordinal);
        var waits = new SortedDictionary<string, List<TimeSpan>>(StringComparer.Ordinal);
        int byPolicy = 0, byPeople = 0;
        foreach (var record in records)
        {
            var created = DateOnly.FromDateTime(record.CreatedAt.UtcDateTime);
            if (created >= first && created <= today)
            {
                kinds.Add(record.Action.Kind);
                var byKind = requests.TryGetValue(created, out var found) ? found : requests[created] = new Dictionary<string, int>(StringComparer.Ordinal);
                byKind[record.Action.Kind] = byKind.GetValueOrDefault(record.Action.Kind) + 1;
            }

            foreach (var decision in record.Decisions)
            {
                var day = DateOnly.FromDateTime(decision.At.UtcDateTime);
                if (day >= first && day <= today)
                {
                    decisions[day] = decisions.GetValueOrDefault(day) + 1;
                }
            }

            var approved = IsApproved(record.Status);
            if (approved || record.Status == ApprovalStatus.Denied)
            {
                var rule = record.Policy.Rule ?? "(no rule)";
                var (a, d) = rules.GetValueOrDefault(rule);
                rules[rule] = approved ? (a + 1, d) : (a, d + 1);
                var last = record.Decisions.Count == 0 ? null : record.Decisions[^1];
                if (last is not null && last.Approver.IsPolicyRule)
                {
                    byPolicy++;
                }
                else if (last is not null)
                {
                    byPeople++;
                    var group = record.Policy.ApproverGroups.Count == 0 ? "(any approver)" : string.Join(", ", record.Policy.ApproverGroups);
                    (waits.TryGetValue(group, out var list) ? list : waits[group] = []).Add(last.At - record.CreatedAt);
                }
            }
        }

        var days = new List<(DateOnly, IReadOnlyDictionary<string, int>, int)>();
        for (var day = first; day <= today; day = day.AddDays(1))
        {
            days.Add((day, requests.TryGetValue(day, out var byKind) ? byKind : new Dictionary<string, int>(), decisions.GetValueOrDefault(day)));
        }

        return new AuditStatistics
        {
            PerDay = days,
            Kinds = [.. kinds],
            ByRule = [.. rules.Select(r => (r.Key, r.Value.Approved, r.Value.Denied))],
            TimeToDecision = [.. waits.Select(w =>
            {
                w.Value.Sort();
                return (w.Key, w.Value.Count, Percentile(w.Value, 0.5), Percentile(w.Value, 0.9));
            })],
            Deciders = (byPolicy, byPeople),
            Requests = records.Count,
        };
    }

    /// <summary>Whether a status means the request was approved (including what happened after).</summary>
    public static bool IsApproved(ApprovalStatus status) =>
        status == ApprovalStatus.Approved || ApprovalStateMachine.IsClaimed(status);

    // Nearest rank over sorted values: the smallest value with at least p of the values at or below it.
    internal static TimeSpan Percentile(List<TimeSpan> sorted, double p)
    {
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
