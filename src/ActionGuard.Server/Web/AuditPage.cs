using System.Globalization;
using ActionGuard.Server.Audit;
using ActionGuard.Server.Identity;
using Microsoft.AspNetCore.Http;

namespace ActionGuard.Server.Web;

/// <summary>The auditor's page: verification status, four charts, and the log page by page with its export.</summary>
internal static class AuditPage
{
    public static string Render(
        HttpContext context,
        Caller caller,
        string antiforgeryToken,
        AuditVerification verification,
        AuditStatistics statistics,
        IReadOnlyList<AuditRecord> records,
        long after,
        DateTimeOffset now) =>
        ReviewLayout.Render(context, "Audit", caller, antiforgeryToken, html =>
        {
            html.Raw("<h1>Audit</h1>\n");
            html.Raw(verification.Ok ? "<section class=\"verified\" aria-labelledby=\"chain\">" : "<section class=\"broken\" role=\"alert\" aria-labelledby=\"chain\">")
                .Raw("<h2 id=\"chain\">").Text(verification.Ok ? "The audit log verifies" : "The audit log is BROKEN").Raw("</h2>\n<p id=\"verification\">")
                .Text(verification.Ok
                    ? $"All {ReviewFormat.Count(verification.Records)} records chain to each other: none was changed, removed or inserted since it was written (checked {now.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)."
                    : $"Record {verification.FirstBrokenSeq?.ToString(CultureInfo.InvariantCulture) ?? "?"} of {ReviewFormat.Count(verification.Records)} does not chain to the one before it: the log was changed after it was written. Compare it with an exported checkpoint (actionguard audit verify --checkpoint).")
                .Raw("</p>\n</section>\n");

            html.Raw("<h2>What was requested and decided</h2>\n<p>")
                .Text($"From the latest {ReviewFormat.Count(statistics.Requests)} requests; days are UTC.").Raw("</p>\n");
            var kinds = statistics.Kinds.Count == 0 ? ["none"] : statistics.Kinds;
            SvgChart.Bars(
                html,
                "per-day",
                $"Requests per day by kind, last {AuditStatistics.Days} days",
                "One bar per day; its parts are the requests of each kind made that day.",
                kinds,
                [.. statistics.PerDay.Select(d => (d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (IReadOnlyList<double>)[.. kinds.Select(k => (double)d.RequestsByKind.GetValueOrDefault(k))]))],
                stacked: true,
                Whole);
            SvgChart.Bars(
                html,
                "decisions-per-day",
                $"Decisions per day, last {AuditStatistics.Days} days",
                "One bar per day: approvals and denials recorded that day, by people and by policy.",
                ["decisions"],
                [.. statistics.PerDay.Select(d => (d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (IReadOnlyList<double>)[d.Decisions]))],
                stacked: true,
                Whole);
            SvgChart.Bars(
                html,
                "by-rule",
                "Approved and denied requests by policy rule",
                "One bar per rule; its parts are the requests it governed that ended approved and denied.",
                ["approved", "denied"],
                [.. statistics.ByRule.Select(r => (r.Rule, (IReadOnlyList<double>)[r.Approved, r.Denied]))],
                stacked: true,
                Whole);
            SvgChart.Bars(
                html,
                "time-to-decision",
                "Time to a person's decision by approver group (p50 and p90, minutes)",
                "Two bars per approver group: half of the decisions came within the first time, nine in ten within the second.",
                ["p50", "p90"],
                [.. statistics.TimeToDecision.Select(t => ($"{t.Group} ({t.Decided})", (IReadOnlyList<double>)[t.P50.TotalMinutes, t.P90.TotalMinutes]))],
                stacked: false,
                Minutes);
            SvgChart.Bars(
                html,
                "deciders",
                "Requests decided by policy and by people",
                "Two bars: requests a policy rule decided at once, and requests people decided.",
                ["requests"],
                [("by policy", [statistics.Deciders.ByPolicy]), ("by people", [statistics.Deciders.ByPeople])],
                stacked: true,
                Whole);

            html.Raw("<h2 id=\"log\">The log</h2>\n<p><a href=\"").Text(ReviewPaths.Local(context, ReviewPaths.AuditExport))
                .Raw("\" download>Export the whole log (JSON lines)</a></p>\n");
            var shown = records.Take(AuditView.RecordsPerPage).ToList();
            if (shown.Count == 0)
            {
                html.Raw("<p>No records after this point.</p>\n");
                return;
            }

            html.Raw("<table class=\"records\">\n<caption>").Text($"Records {shown[0].Seq} to {shown[^1].Seq}").Raw("</caption>\n<thead><tr>")
                .Raw("<th scope=\"col\">#</th><th scope=\"col\">At</th><th scope=\"col\">Type</th><th scope=\"col\">Request</th><th scope=\"col\">Actor</th><th scope=\"col\">Hash</th></tr></thead>\n<tbody>\n");
            foreach (var record in shown)
            {
                html.Raw("<tr><td>").Text(record.Seq.ToString(CultureInfo.InvariantCulture)).Raw("</td>")
                    .Element("td", record.At)
                    .Element("td", record.Type)
                    .Raw("<td>");
                if (record.ApprovalId is { } id)
                {
                    html.Raw("<a href=\"").Text(ReviewPaths.Local(context, ReviewPaths.Detail(id))).Raw("\">").Text(id).Raw("</a>");
                }

                html.Raw("</td>").Element("td", record.Actor).Raw("<td><code>").Text(record.Hash.Length > 16 ? record.Hash[..16] + "…" : record.Hash).Raw("</code></td></tr>\n");
            }

            html.Raw("</tbody>\n</table>\n<nav aria-label=\"Log pages\" class=\"pages\">");
            if (after > 0)
            {
                html.Raw("<a href=\"").Text(ReviewPaths.Local(context, ReviewPaths.Audit) + "?after=" + Math.Max(0, after - AuditView.RecordsPerPage).ToString(CultureInfo.InvariantCulture) + "#log").Raw("\">Earlier records</a> ");
            }

            if (records.Count > AuditView.RecordsPerPage)
            {
                html.Raw("<a href=\"").Text(ReviewPaths.Local(context, ReviewPaths.Audit) + "?after=" + shown[^1].Seq.ToString(CultureInfo.InvariantCulture) + "#log").Raw("\">Later records</a>");
            }

            html.Raw("</nav>\n");
        });

    private static string Whole(double value) => value.ToString("0", CultureInfo.InvariantCulture);

    private static string Minutes(double value) => value.ToString("0.#", CultureInfo.InvariantCulture) + " min";
}
