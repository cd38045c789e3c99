using System.Globalization;
using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using Microsoft.AspNetCore.Http;

namespace ActionGuard.Server.Web;

/// <summary>One request with its full context, the decision form, the decision history and the audit trail.</summary>
internal static class DetailPage
{
    public static string Render(HttpContext context, DetailView view)
    {
        var record = view.Record;
        return ReviewLayout.Render(context, "Review " + record.Action.Name, view.Caller, view.AntiforgeryToken, html =>
        {
            html.Raw("<p class=\"back\"><a href=\"").Text(ReviewPaths.Local(context, ReviewPaths.Base)).Raw("\">Back to pending requests</a></p>\n");
            html.Raw("<h1>Review request: <span class=\"action-name\">").Text(record.Action.Name).Raw("</span></h1>\n");
            html.Raw("<p class=\"status-line\">Status: <strong id=\"status\" class=\"status status-").Text(ReviewFormat.Status(record.Status)).Raw("\">")
                .Text(ReviewFormat.Status(record.Status)).Raw("</strong> · Request <code>").Text(record.Id).Raw("</code></p>\n");
            if (view.Notice is not null)
            {
                html.Raw("<div class=\"notice\" role=\"status\" id=\"notice\">").Element("p", view.Notice).Raw("</div>\n");
            }

            if (view.Problem is { } problem)
            {
                WriteProblem(html, problem);
            }

            if (view.AgentGone is { } gone)
            {
                html.Raw("<div class=\"orphan\" id=\"agent-gone\" role=\"note\">").Element("p", gone).Raw("</div>\n");
            }

            WriteRequest(html, record);
            WriteArguments(html, record);
            WriteData(html, record);
            WritePolicy(html, record);
            if (record.Status == ApprovalStatus.Pending)
            {
                WriteForm(context, html, view);
            }

            WriteDecisions(html, record);
            WriteAudit(html, view);
        });
    }

    private static void WriteProblem(HtmlWriter html, ApiProblem problem)
    {
        var type = problem.Type;
        var lead =
            type == ProtocolProblems.SelfApproval.Type ? "You cannot approve or deny this request because you initiated it. Another approver has to decide."
            : type == ProtocolProblems.NotInApproverGroup.Type ? "You are not in any of this request's approver groups, so you cannot decide on it."
            : type == ProtocolProblems.NotPending.Type ? "This request is no longer pending, so it cannot be decided."
            : type == ProtocolProblems.DuplicateDecision.Type ? "You have already decided on this request; each person counts once."
            : "Your decision was refused.";
        html.Raw("<div class=\"alert\" role=\"alert\" id=\"decision-error\">\n<h2>").Text(problem.Title).Raw("</h2>\n")
            .Element("p", lead).Raw("\n")
            .Element("p", problem.Detail, "detail").Raw("\n")
            .Raw("<p>Nothing was changed.</p>\n</div>\n");
    }

    private static void WriteRequest(HtmlWriter html, ApprovalRecord record)
    {
        html.Raw("<section aria-labelledby=\"request-heading\">\n<h2 id=\"request-heading\">What the agent asks to do</h2>\n<dl class=\"facts\">\n");
        Fact(html, "Action", record.Action.Name);
        Fact(html, "Kind", record.Action.Kind);
        Fact(html, "Agent", record.AgentId);
        Fact(html, "Initiator", ReviewFormat.Party(record.Initiator));
        Fact(html, "Resource", record.Action.Resource ?? "not stated");
        Fact(html, "Destination", record.Action.Destination ?? "not stated");
        Fact(html, "Environment", record.Action.Environment ?? "not stated");
        Fact(html, "Justification", record.Justification ?? "none given");
        html.Raw("<dt>Requested</dt><dd>").Time(record.CreatedAt).Raw("</dd>\n");
        html.Raw(record.Status == ApprovalStatus.Approved ? "<dt>Must be claimed by</dt><dd>" : "<dt>Expires</dt><dd>").Time(record.ExpiresAt).Raw("</dd>\n");
        Fact(html, "Action hash", record.ActionHash);
        html.Raw("</dl>\n</section>\n");
    }

    private static void WriteArguments(HtmlWriter html, ApprovalRecord record)
    {
        html.Raw("<section aria-labelledby=\"arguments-heading\">\n<h2 id=\"arguments-heading\">Arguments</h2>\n")
            .Raw("<p class=\"hint\">As the agent sent them: secrets and personal data are masked before they leave the agent.</p>\n");
        if (record.Arguments.Count == 0)
        {
            html.Raw("<p>No arguments.</p>\n</section>\n");
            return;
        }

        html.Raw("<table>\n<caption>Redacted arguments</caption>\n<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Value</th></tr></thead>\n<tbody>\n");
        foreach (var (name, value) in record.Arguments)
        {
            html.Raw("<tr><th scope=\"row\">").Text(name).Raw("</th><td><code>").Text(value.GetRawText()).Raw("</code></td></tr>\n");
        }

        html.Raw("</tbody>\n</table>\n</section>\n");
    }

    private static void WriteData(HtmlWriter html, ApprovalRecord record)
    {
        html.Raw("<section aria-labelledby=\"data-heading\">\n<h2 id=\"data-heading\">Data it touches</h2>\n");
        if (record.DataClasses.Count == 0)
        {
            html.Raw("<p>No classified data was found in the arguments.</p>\n</section>\n");
            return;
        }

        html.Raw("<table>\n<caption>Data classes and counts, with masked samples</caption>\n<thead><tr><th scope=\"col\">Data class</th><th scope=\"col\" class=\"number\">Count</th><th scope=\"col\">Masked samples</th></tr></thead>\n<tbody>\n");
        foreach (var (name, count) in record.DataClasses)
        {
            var samples = record.DataSamples.TryGetValue(name, out var values) ? string.Join(", ", values) : string.Empty;
            html.Raw("<tr><th scope=\"row\">").Text(name).Raw("</th><td class=\"number\">").Text(ReviewFormat.Count(count)).Raw("</td><td>").Text(samples).Raw("</td></tr>\n");
        }

        html.Raw("</tbody>\n</table>\n</section>\n");
    }

    private static void WritePolicy(HtmlWriter html, ApprovalRecord record)
    {
        html.Raw("<section aria-labelledby=\"policy-heading\">\n<h2 id=\"policy-heading\">Policy</h2>\n<dl class=\"facts\">\n");
        Fact(html, "Rule", record.Policy.Rule ?? "default");
        Fact(html, "Approvals", string.Create(CultureInfo.InvariantCulture, $"{ReviewFormat.Approvals(record)} of {record.Policy.MinApprovals} required"));
        if (record.Status == ApprovalStatus.Pending)
        {
            Fact(html, "Still needs", ReviewFormat.Needs(record));
        }

        Fact(html, "Approver groups", record.Policy.ApproverGroups.Count == 0 ? "any approver" : string.Join(", ", record.Policy.ApproverGroups));
        html.Raw("</dl>\n</section>\n");
    }

    private static void WriteForm(HttpContext context, HtmlWriter html, DetailView view)
    {
        html.Raw("<section aria-labelledby=\"decide-heading\">\n<h2 id=\"decide-heading\">Your decision</h2>\n")
            .Raw("<form method=\"post\" class=\"decision\" action=\"").Text(ReviewPaths.Local(context, ReviewPaths.Decision(view.Record.Id))).Raw("\" novalidate>\n")
            .Raw("<input type=\"hidden\" name=\"").Raw(ReviewServices.AntiforgeryFieldName).Raw("\" value=\"").Text(view.AntiforgeryToken).Raw("\">\n")
            .Raw("<div class=\"field").Raw(view.ReasonError is null ? string.Empty : " field-invalid").Raw("\">\n")
            .Raw("<label for=\"reason\">Reason</label>\n")
            .Raw("<p id=\"reason-hint\" class=\"hint\">Required to deny; optional to approve. It is recorded in the audit log and sent to the agent.</p>\n");
        if (view.ReasonError is not null)
        {
            html.Raw("<p id=\"reason-error\" class=\"field-error\">").Text(view.ReasonError).Raw("</p>\n");
        }

        html.Raw("<textarea id=\"reason\" name=\"reason\" rows=\"4\" maxlength=\"").Text(view.MaxReasonLength.ToString(CultureInfo.InvariantCulture)).Raw("\" aria-describedby=\"")
            .Raw(view.ReasonError is null ? "reason-hint" : "reason-error reason-hint").Raw("\"")
            .Raw(view.ReasonError is null ? string.Empty : " aria-invalid=\"true\" autofocus")
            .Raw(">").Text(view.Reason).Raw("</textarea>\n</div>\n")
            .Raw("<div class=\"actions\">\n<button type=\"submit\" name=\"verdict\" value=\"approve\" class=\"approve\">Approve</button>\n")
            .Raw("<button type=\"submit\" name=\"verdict\" value=\"deny\" class=\"deny\">Deny</button>\n</div>\n</form>\n</section>\n");
    }

    private static void WriteDecisions(HtmlWriter html, ApprovalRecord record)
    {
        html.Raw("<section aria-labelledby=\"decisions-heading\">\n<h2 id=\"decisions-heading\">Decision history</h2>\n");
        if (record.Decisions.Count == 0)
        {
            html.Raw("<p>No decisions yet.</p>\n</section>\n");
            return;
        }

        html.Raw("<table>\n<caption>Decisions, oldest first</caption>\n<thead><tr><th scope=\"col\">When</th><th scope=\"col\">Who</th><th scope=\"col\">Verdict</th><th scope=\"col\">Reason</th></tr></thead>\n<tbody>\n");
        foreach (var decision in record.Decisions)
        {
            html.Raw("<tr><td>").Time(decision.At).Raw("</td>")
                .Element("td", ReviewFormat.Party(decision.Approver))
                .Element("td", decision.Verdict == ApprovalVerdict.Approve ? "approved" : "denied")
                .Element("td", decision.Reason ?? string.Empty)
                .Raw("</tr>\n");
        }

        html.Raw("</tbody>\n</table>\n</section>\n");
    }

    private static void WriteAudit(HtmlWriter html, DetailView view)
    {
        html.Raw("<section aria-labelledby=\"audit-heading\">\n<h2 id=\"audit-heading\">Audit trail</h2>\n");
        if (view.Audit.Count == 0)
        {
            html.Raw("<p>No audit records.</p>\n</section>\n");
            return;
        }

        html.Raw("<table class=\"audit\">\n<caption>Audit records of this request in the hash-chained log</caption>\n<thead><tr><th scope=\"col\">Seq</th><th scope=\"col\">When</th>")
            .Raw("<th scope=\"col\">Event</th><th scope=\"col\">Actor</th><th scope=\"col\">Data</th></tr></thead>\n<tbody>\n");
        foreach (var entry in view.Audit)
        {
            html.Raw("<tr>").Element("td", entry.Seq.ToString(CultureInfo.InvariantCulture))
                .Element("td", entry.At)
                .Element("td", entry.Type)
                .Element("td", entry.Actor)
                .Raw("<td><code>").Text(entry.Data.GetRawText()).Raw("</code></td></tr>\n");
        }

        html.Raw("</tbody>\n</table>\n</section>\n");
    }

    private static void Fact(HtmlWriter html, string term, string value) =>
        html.Element("dt", term).Element("dd", value).Raw("\n");
}
