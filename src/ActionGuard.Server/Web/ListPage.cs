using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Identity;
using Microsoft.AspNetCore.Http;

namespace ActionGuard.Server.Web;

/// <summary>
/// The requests the signed-in person may decide (pending) or could see decided (history), searched, filtered by kind
/// and sorted by a plain GET form, so every view has an address and the page runs no script.
/// </summary>
internal static class ListPage
{
    public static string Render(HttpContext context, Caller caller, string antiforgeryToken, ReviewQuery query, IReadOnlyList<ApprovalRecord> records, DateTimeOffset now, bool auditor, Waiting.AgentPresence presence) =>
        ReviewLayout.Render(context, query.History ? "Decided requests" : "Pending requests", caller, antiforgeryToken, html =>
        {
            var basePath = ReviewPaths.Local(context, ReviewPaths.Base);
            html.Raw("<nav aria-label=\"Views\" class=\"views\"><ul>")
                .Raw("<li><a href=\"").Text(basePath).Raw(query.History ? "\">" : "\" aria-current=\"page\">").Text("Pending").Raw("</a></li>")
                .Raw("<li><a href=\"").Text(basePath + "?view=history").Raw(query.History ? "\" aria-current=\"page\">" : "\">").Text("History").Raw("</a></li>");
            if (auditor)
            {
                html.Raw("<li><a href=\"").Text(ReviewPaths.Local(context, ReviewPaths.Audit)).Raw("\">Audit</a></li>");
            }

            html.Raw("</ul></nav>\n");
            html.Raw("<h1>").Text(query.History ? "Decided requests" : "Pending requests").Raw("</h1>\n");
            SearchForm(html, basePath, query);
            html.Raw("<p id=\"summary\" role=\"status\">").Text(Summary(query, records.Count)).Raw("</p>\n");
            if (records.Count == 0)
            {
                return;
            }

            html.Raw("<table class=\"requests\">\n<caption>").Text(Caption(query)).Raw("</caption>\n<thead><tr>")
                .Raw("<th scope=\"col\">Action</th><th scope=\"col\">Kind</th><th scope=\"col\">Resource</th><th scope=\"col\">Destination</th>")
                .Raw("<th scope=\"col\">Agent</th><th scope=\"col\">Initiator</th>");
            html.Raw(query.History
                ? "<th scope=\"col\">Status</th><th scope=\"col\">Decided by</th><th scope=\"col\">Requested</th></tr></thead>\n<tbody>\n"
                : "<th scope=\"col\">Environment</th><th scope=\"col\">Still needs</th><th scope=\"col\">Expires</th></tr></thead>\n<tbody>\n");
            foreach (var record in records)
            {
                html.Raw("<tr><th scope=\"row\"><a href=\"").Text(ReviewPaths.Local(context, ReviewPaths.Detail(record.Id))).Raw("\">")
                    .Text(record.Action.Name).Raw("</a></th>")
                    .Element("td", record.Action.Kind)
                    .Element("td", record.Action.Resource ?? "not stated")
                    .Element("td", record.Action.Destination ?? "not stated")
                    .Raw("<td>").Text(record.AgentId);
                if (ReviewFormat.AgentSilence(record, presence, now) is { } silence)
                {
                    html.Raw(" <span class=\"orphan-mark\">(").Text("not heard from for " + silence + "; may have gone away").Raw(")</span>");
                }

                html.Raw("</td>").Element("td", ReviewFormat.Party(record.Initiator));
                if (query.History)
                {
                    html.Element("td", ReviewFormat.Status(record.Status))
                        .Element("td", ReviewFormat.DecidedBy(record))
                        .Raw("<td>").Time(record.CreatedAt).Raw(" <span class=\"relative\">(").Text(ReviewFormat.Relative(record.CreatedAt, now)).Raw(")</span></td></tr>\n");
                }
                else
                {
                    html.Element("td", record.Action.Environment ?? "not stated")
                        .Element("td", ReviewFormat.Needs(record))
                        .Raw("<td>").Time(record.ExpiresAt).Raw(" <span class=\"relative\">(").Text(ReviewFormat.Relative(record.ExpiresAt, now)).Raw(")</span></td></tr>\n");
                }
            }

            html.Raw("</tbody>\n</table>\n");
        });

    private static void SearchForm(HtmlWriter html, string basePath, ReviewQuery query)
    {
        html.Raw("<form method=\"get\" action=\"").Text(basePath).Raw("\" role=\"search\" class=\"filters\">\n");
        if (query.History)
        {
            html.Raw("<input type=\"hidden\" name=\"view\" value=\"history\">\n");
        }

        html.Raw("<label for=\"q\">Search</label> <input id=\"q\" name=\"q\" type=\"search\" maxlength=\"")
            .Text(ReviewQuery.MaxSearchLength.ToString(System.Globalization.CultureInfo.InvariantCulture)).Raw("\" value=\"").Text(query.Search).Raw("\">\n")
            .Raw("<label for=\"kind\">Kind</label> <select id=\"kind\" name=\"kind\">");
        Option(html, string.Empty, "any", query.Kind is null);
        foreach (var kind in new[] { ActionKind.DataExport, ActionKind.PermissionChange, ActionKind.InfrastructureMutation })
        {
            Option(html, kind, kind, query.Kind == kind);
        }

        if (query.Kind is { } custom && !new ActionKind(custom).IsBuiltIn)
        {
            Option(html, custom, custom, selected: true);
        }

        html.Raw("</select>\n<label for=\"sort\">Sort</label> <select id=\"sort\" name=\"sort\">");
        Option(html, "newest", "newest first", query.Sort == ReviewSort.Newest);
        Option(html, "oldest", "oldest first", query.Sort == ReviewSort.Oldest);
        Option(html, "expiring", "expiring soonest", query.Sort == ReviewSort.Expiring);
        html.Raw("</select>\n<button type=\"submit\">Show</button>\n</form>\n");
    }

    private static void Option(HtmlWriter html, string value, string label, bool selected) =>
        html.Raw("<option value=\"").Text(value).Raw(selected ? "\" selected>" : "\">").Text(label).Raw("</option>");

    private static string Summary(ReviewQuery query, int count)
    {
        var filtered = query.Search is not null || query.Kind is not null;
        return (query.History, count, filtered) switch
        {
            (false, 0, false) => "Nothing is waiting for your decision.",
            (false, 1, false) => "1 request is waiting for your decision.",
            (false, var n, false) => $"{n} requests are waiting for your decision.",
            (true, 0, false) => "No decided request to show.",
            (_, 0, true) => "No request matches the search.",
            (_, 1, _) => "1 request matches.",
            (_, var n, _) => $"{n} requests match.",
        };
    }

    private static string Caption(ReviewQuery query) =>
        (query.History ? "Decided, expired and withdrawn requests, " : "Requests waiting for a decision, ") + query.Sort switch
        {
            ReviewSort.Oldest => "oldest first",
            ReviewSort.Expiring => "expiring soonest first",
            _ => "newest first",
        };
}
