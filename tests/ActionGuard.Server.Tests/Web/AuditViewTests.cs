using System.Net;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Tests.TestSupport;
using ActionGuard.Server.Web;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Server.Tests.Web;

// The auditor's view: only the auditor group, the chain's verification (and its failure), charts and the export.
public sealed class AuditViewTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    private const string Auditors = "actionguard-auditors";

    [Fact]
    public async Task Only_members_of_the_auditor_group_see_the_audit_view_or_export_the_log()
    {
        await using var host = await fixture.StartServerAsync();
        fixture.Provider.SetGroups("alice", "finance");
        using var alice = new ReviewClient(host);
        await alice.SignInAsync("alice");

        var (page, html) = await alice.GetPageAsync("review/audit");
        var (export, _) = await alice.GetPageAsync("review/audit/export");
        var (_, list) = await alice.GetPageAsync("review");

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("actionguard-auditors", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, export.StatusCode);
        Assert.DoesNotContain(">Audit</a>", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_auditor_sees_the_log_verified_charts_of_requests_and_decisions_and_every_record()
    {
        await using var host = await fixture.StartServerAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var denied = await Api.CreatePendingAsync(agent, Api.Body(name: "Ledger.Export"));
        await Api.CreatePendingAsync(agent, Api.Body(name: "Crm.Export"));
        await Api.CreatePendingAsync(agent, Api.Body(kind: "permission_change", name: "Roles.Grant"));
        using (var bob = new ReviewClient(host))
        {
            await bob.SignInAsync("bob");
            using var decided = await bob.DecideOnThePageAsync(denied, "deny", "no ticket");
            Assert.Equal(HttpStatusCode.SeeOther, decided.StatusCode);
        }

        fixture.Provider.SetGroups("erin", Auditors);
        using var erin = new ReviewClient(host);
        await erin.SignInAsync("erin");

        var (response, html) = await erin.GetPageAsync("review/audit");
        var (_, list) = await erin.GetPageAsync("review");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(">Audit</a>", list, StringComparison.Ordinal);
        Assert.Contains("The audit log verifies", html, StringComparison.Ordinal);
        Assert.Equal(5, html.Split("<svg ").Length - 1);
        var today = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        // Today's row of the per-day table: two exports and one permission change (kinds in name order).
        Assert.Contains($"<tr><th scope=\"row\">{today}</th><td>2</td><td>1</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">by people</th><td>1</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/review/{denied}\"", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"col\">Hash</th>", html, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<script", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
    }

    [Fact]
    public async Task The_export_holds_every_record_of_the_log_as_a_json_line()
    {
        await using var host = await fixture.StartServerAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        for (var i = 0; i < 3; i++)
        {
            await Api.CreatePendingAsync(agent, Api.Body(name: $"Export{i}.Run"));
        }

        fixture.Provider.SetGroups("erin", Auditors);
        using var erin = new ReviewClient(host);
        await erin.SignInAsync("erin");

        using var response = await erin.Http.GetAsync("review/audit/export");
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var stored = await host.Services.GetRequiredService<ActionGuard.Server.Store.IAuditStore>().ReadAuditAsync(0, 1000);
        Assert.Equal(stored.Count, lines.Length);
        Assert.Equal(stored.Select(r => r.Seq), lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("seq").GetInt64()));
        Assert.True(lines.Length >= 3);
    }

    [Fact]
    public async Task A_record_edited_in_the_database_shows_the_log_broken_at_that_record()
    {
        await using var host = await fixture.StartServerAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        await Api.CreatePendingAsync(agent);
        await Api.CreatePendingAsync(agent, Api.Body(name: "Second.Export"));
        AuditForger.EditActorInPlace(Path.Combine(host.DataDirectory, "actionguard.db"), seq: 2, "agent:someone-else");
        fixture.Provider.SetGroups("erin", Auditors);
        using var erin = new ReviewClient(host);
        await erin.SignInAsync("erin");

        var (_, html) = await erin.GetPageAsync("review/audit");

        Assert.Contains("The audit log is BROKEN", html, StringComparison.Ordinal);
        Assert.Contains("Record 2 of", html, StringComparison.Ordinal);
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Statistics_count_rules_and_deciders_and_take_nearest_rank_percentiles()
    {
        var now = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
        var person = new ApprovalParty { Subject = "bob" };
        var policy = new ApprovalParty { Subject = ApprovalParty.PolicySubjectPrefix + "dev-exports" };
        ApprovalRecord Record(ApprovalStatus status, string? rule, ApprovalParty? decider, int minutes, params string[] groups) => new()
        {
            Id = Guid.NewGuid().ToString("N"),
            Status = status,
            Action = new ApprovalAction { Kind = "data_export", Name = "X.Y" },
            AgentId = "agent-a",
            ActionHash = "sha256:00",
            Policy = new ApprovalPolicy { Rule = rule, MinApprovals = 1, ApproverGroups = groups },
            Decisions = decider is null ? [] : [new ApprovalDecision { Approver = decider, Verdict = status == ApprovalStatus.Denied ? ApprovalVerdict.Deny : ApprovalVerdict.Approve, At = now.AddMinutes(-60 + minutes) }],
            CreatedAt = now.AddMinutes(-60),
            ExpiresAt = now.AddHours(1),
            IdempotencyKey = "k",
            RequestHash = "h",
        };

        var statistics = AuditStatistics.From(
        [
            Record(ApprovalStatus.Succeeded, "stewards", person, 10, "finance"),
            Record(ApprovalStatus.Denied, "stewards", person, 20, "finance"),
            Record(ApprovalStatus.Approved, "stewards", person, 30, "finance"),
            Record(ApprovalStatus.Approved, "dev-exports", policy, 0),
            Record(ApprovalStatus.Pending, "stewards", null, 0, "finance"),
        ], now);

        Assert.Equal([("dev-exports", 1, 0), ("stewards", 2, 1)], statistics.ByRule);
        Assert.Equal((1, 3), statistics.Deciders);
        var finance = Assert.Single(statistics.TimeToDecision);
        Assert.Equal(("finance", 3, TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(30)), finance);
        Assert.Equal(5, statistics.PerDay[^1].RequestsByKind["data_export"]);
        Assert.Equal(AuditStatistics.Days, statistics.PerDay.Count);
    }
}
