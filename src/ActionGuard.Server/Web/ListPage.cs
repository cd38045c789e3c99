using ActionGuard.Server.Approvals;
using ActionGuard.Server.Identity;
using Microsoft.AspNetCore.Http;

namespace ActionGuard.Server.Web;

/// <summary>The pending requests the signed-in person may decide.</summary>
internal static class ListPage
{
    public static string Render(HttpContext context, Caller caller, string antiforgeryToken, IReadOnlyList<ApprovalRecord> records) =>
        ReviewLayout.Render(context, "Pending requests", caller, antiforgeryToken, html =>
        {
            html.Raw("<h1>Pending requests</h1>\n");
            html.Raw("<p id=\"summary\" role=\"status\">").Text(records.Count switch
            {
                0 => "Nothing is waiting for your decision.",
                1 => "1 request is waiting for your decision.",
                var n => $"{n} requests are waiting for your decision.",
            }).Raw("</p>\n");
            if (records.Count == 0)
            {
                return;
            }

            html.Raw("<table class=\"requests\">\n<caption>Requests waiting for a decision, newest first</caption>\n<thead><tr>")
                .Raw("<th scope=\"col\">Action</th><th scope=\"col\">Kind</th><th scope=\"col\">Agent</th><th scope=\"col\">Initiator</th>")
                .Raw("<th scope=\"col\">Environment</th><th scope=\"col\">Still needs</th><th scope=\"col\">Expires</th></tr></thead>\n<tbody>\n");
            foreach (var record in records)
            {
                html.Raw("<tr><th scope=\"row\"><a href=\"").Text(ReviewPaths.Local(context, ReviewPaths.Detail(record.Id))).Raw("\">")
                    .Text(record.Action.Name).Raw("</a></th>")
                    .Element("td", record.Action.Kind)
                    .Element("td", record.AgentId)
                    .Element("td", ReviewFormat.Party(record.Initiator))
                    .Element("td", record.Action.Environment ?? "not stated")
                    .Element("td", ReviewFormat.Needs(record))
                    .Raw("<td>").Time(record.ExpiresAt).Raw("</td></tr>\n");
            }

            html.Raw("</tbody>\n</table>\n");
        });
}
