using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using Microsoft.AspNetCore.Http;

namespace ActionGuard.Server.Web;

/// <summary>
/// What the list shows, from the address's query: <c>view</c> (<c>pending</c> or <c>history</c>), <c>q</c> (words found
/// in the action, resource, destination, agent, initiator, id or a decider), <c>kind</c> and <c>sort</c>
/// (<c>newest</c>, <c>oldest</c>, <c>expiring</c>). Plain GET parameters, so the page needs no script and every view
/// has an address to share.
/// </summary>
internal sealed record ReviewQuery(bool History, string? Search, string? Kind, ReviewSort Sort)
{
    public const int MaxSearchLength = 200;

    public static ReviewQuery Default { get; } = new(History: false, Search: null, Kind: null, ReviewSort.Newest);

    /// <summary>Reads the query; an unknown value is an error that names its parameter and says what is accepted.</summary>
    public static ReviewQuery Parse(IQueryCollection query, out string? error)
    {
        error = null;
        var view = query["view"].ToString();
        var history = view == "history";
        if (view is not ("" or "pending" or "history"))
        {
            Fail(ref error, $"The parameter 'view' is '{view}'; use 'pending' or 'history'.");
        }

        var search = query["q"].ToString().Trim();
        if (search.Length > MaxSearchLength)
        {
            Fail(ref error, $"The parameter 'q' has {search.Length} characters; at most {MaxSearchLength} are searched.");
        }

        var kind = query["kind"].ToString().Trim();
        if (kind.Length > 0 && !ActionKind.IsValidName(kind))
        {
            Fail(ref error, $"The parameter 'kind' is '{kind}', which is not a kind name ({ActionKind.NamePattern}).");
        }

        var sortText = query["sort"].ToString();
        ReviewSort sort;
        switch (sortText)
        {
            case "" or "newest":
                sort = ReviewSort.Newest;
                break;
            case "oldest":
                sort = ReviewSort.Oldest;
                break;
            case "expiring":
                sort = ReviewSort.Expiring;
                break;
            default:
                Fail(ref error, $"The parameter 'sort' is '{sortText}'; use 'newest', 'oldest' or 'expiring'.");
                sort = ReviewSort.Newest;
                break;
        }

        return new ReviewQuery(history, search.Length == 0 ? null : search, kind.Length == 0 ? null : kind, sort);
    }

    /// <summary>Whether a request is in this view and matches its search and kind.</summary>
    public bool Matches(ApprovalRecord record)
    {
        if ((record.Status == ApprovalStatus.Pending) == History)
        {
            return false;
        }

        if (Kind is not null && !string.Equals(record.Action.Kind, Kind, StringComparison.Ordinal))
        {
            return false;
        }

        return Search is null || Searched(record).Any(text => text?.Contains(Search, StringComparison.OrdinalIgnoreCase) == true);
    }

    /// <summary>Puts the requests in the order asked for.</summary>
    public IEnumerable<ApprovalRecord> Order(IEnumerable<ApprovalRecord> records) => Sort switch
    {
        ReviewSort.Oldest => records.OrderBy(r => r.CreatedAt),
        ReviewSort.Expiring => records.OrderBy(r => r.ExpiresAt),
        _ => records.OrderByDescending(r => r.CreatedAt),
    };

    private static IEnumerable<string?> Searched(ApprovalRecord record)
    {
        yield return record.Id;
        yield return record.Action.Name;
        yield return record.Action.Resource;
        yield return record.Action.Destination;
        yield return record.Action.Environment;
        yield return record.AgentId;
        yield return record.Justification;
        yield return ReviewFormat.Party(record.Initiator);
        foreach (var decision in record.Decisions)
        {
            yield return ReviewFormat.Party(decision.Approver);
        }
    }

    private static void Fail(ref string? error, string message) => error ??= message;
}
