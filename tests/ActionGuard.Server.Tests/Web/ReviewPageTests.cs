using System.Net;
using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Server.Tests.Web;

// The pages over plain HTTP: what is mapped, what is listed, encoding, headers and forms.
public sealed class ReviewPageTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    private TestOidcProvider Provider => fixture.Provider;

    [Fact]
    public async Task Without_a_client_id_the_page_is_not_mapped()
    {
        await using var host = await ServerHost.StartKestrelAsync(fixture.Idp);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("review")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("review/signin")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("review/assets/review.css")).StatusCode);
    }

    [Fact]
    public async Task Agent_text_is_html_encoded_everywhere_and_pages_forbid_script()
    {
        await using var host = await fixture.StartServerAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        const string Evil = "<script>alert('x')</script><img src=x onerror=alert(1)>";
        var body = Api.Body(name: Evil);
        body["justification"] = "\"><script>steal()</script>";
        body["arguments"]!["<b>bold</b>"] = "</code><script>1</script>";
        var id = await Api.CreatePendingAsync(agent, body);
        using var client = new ReviewClient(host);
        await client.SignInAsync("alice");

        var (list, listHtml) = await client.GetPageAsync("review");
        var (detail, html) = await client.GetPageAsync("review/" + id);

        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        foreach (var page in new[] { listHtml, html })
        {
            // The one script element is the page's own live-update script, from its own origin.
            Assert.Equal(["<script src=\"/review/assets/live.js\" defer></script>"], System.Text.RegularExpressions.Regex.Matches(page, "<script[^>]*>(</script>)?", System.Text.RegularExpressions.RegexOptions.IgnoreCase).Select(m => m.Value));
            Assert.DoesNotContain("<img", page, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;", page, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("&quot;&gt;&lt;script&gt;steal()", html, StringComparison.Ordinal);
        foreach (var response in new[] { list, detail })
        {
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        }
    }

    [Fact]
    public async Task The_list_shows_only_requests_the_person_may_decide_and_how_many_approvals_each_still_needs()
    {
        await using var host = await fixture.StartServerAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var opsOnly = await Api.CreatePendingAsync(agent, Api.Body(kind: "infrastructure_mutation", name: "Cluster.Scale"));
        var twoPerson = await Api.CreatePendingAsync(agent, Api.Body(kind: "permission_change", name: "Roles.Grant"));
        var own = await Api.CreatePendingAsync(agent, Api.Body(name: "Own.Export", initiator: Api.Party("alice", Provider.Issuer)));
        Provider.SetGroups("alice", "finance");
        using var client = new ReviewClient(host);
        await client.SignInAsync("alice");

        var (_, html) = await client.GetPageAsync("review");

        Assert.Contains("Roles.Grant", html, StringComparison.Ordinal);
        Assert.Contains("2 more approvals", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Cluster.Scale", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Own.Export", html, StringComparison.Ordinal);
        Assert.Contains("1 request is waiting for your decision.", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/review/{twoPerson}\"", html, StringComparison.Ordinal);
        Assert.NotEqual(opsOnly, own);
    }

    [Fact]
    public async Task The_detail_shows_the_full_context_and_the_audit_trail_of_the_request()
    {
        await using var host = await fixture.StartServerAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var body = Api.Body(initiator: Api.Party("dana", Provider.Issuer));
        body["dataSamples"] = new System.Text.Json.Nodes.JsonObject { ["email"] = new System.Text.Json.Nodes.JsonArray("j***@example.com", "<b>m</b>***@example.org") };
        var id = await Api.CreatePendingAsync(agent, body);
        await Api.CreatePendingAsync(agent, Api.Body(name: "Other.Request"));
        using var client = new ReviewClient(host);
        await client.SignInAsync("alice");

        var (_, html) = await client.GetPageAsync("review/" + id);

        foreach (var expected in new[]
        {
            "Exporter.Export", "data_export", ServerHost.AgentId, "dana", "crm://customers", "s3://exports/q3.csv", "prod",
            "quarterly report", "segment", "&quot;emea&quot;", "email", "0 of 1 required", "<label for=\"reason\">Reason</label>",
            "value=\"approve\"", "value=\"deny\"", "Audit trail", ">requested<",
            "Masked samples", "j***@example.com, &lt;b&gt;m&lt;/b&gt;***@example.org",
        })
        {
            Assert.Contains(expected, html, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(">Other.Request<", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_decision_without_the_forms_antiforgery_token_is_refused_and_changes_nothing()
    {
        await using var host = await fixture.StartServerAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent);
        using var client = new ReviewClient(host);
        await client.SignInAsync("alice");

        using var response = await client.Http.PostAsync($"review/{id}/decision", new FormUrlEncodedContent(new Dictionary<string, string> { ["verdict"] = "approve" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var record = await host.Services.GetRequiredService<ApprovalService>().GetAsync(id, default);
        Assert.Equal(ApprovalStatus.Pending, record!.Status);
    }

    [Fact]
    public async Task A_form_signed_for_one_person_does_not_work_for_another()
    {
        await using var host = await fixture.StartServerAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent);
        using var alice = new ReviewClient(host);
        await alice.SignInAsync("alice");
        var aliceToken = ReviewClient.AntiforgeryToken((await alice.GetPageAsync("review/" + id)).Html);
        using var bob = new ReviewClient(host);
        await bob.SignInAsync("bob");
        await bob.GetPageAsync("review/" + id);

        using var response = await bob.Http.PostAsync($"review/{id}/decision", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = aliceToken,
            ["verdict"] = "approve",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ApprovalStatus.Pending, (await host.Services.GetRequiredService<ApprovalService>().GetAsync(id, default))!.Status);
    }

    [Fact]
    public async Task Groups_from_a_sign_in_stop_counting_after_the_session_lifetime_so_a_removed_member_cannot_decide()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await fixture.StartServerAsync(timeProvider: time);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent, Api.Body(kind: "infrastructure_mutation"));
        Provider.SetGroups("oscar", "ops");
        using var oscar = new ReviewClient(host);
        await oscar.SignInAsync("oscar");
        var token = ReviewClient.AntiforgeryToken((await oscar.GetPageAsync("review/" + id)).Html);

        // The identity provider removes Oscar from ops; his page stays open past the default session lifetime.
        Provider.SetGroups("oscar");
        time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        using var response = await oscar.Http.PostAsync($"review/{id}/decision", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["verdict"] = "approve",
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/review/signin", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Pending, (await host.Services.GetRequiredService<ApprovalService>().GetAsync(id, default))!.Status);
    }

    [Fact]
    public async Task Deny_without_a_reason_shows_the_error_next_to_the_field_and_changes_nothing()
    {
        await using var host = await fixture.StartServerAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent);
        using var client = new ReviewClient(host);
        await client.SignInAsync("alice");
        var token = ReviewClient.AntiforgeryToken((await client.GetPageAsync("review/" + id)).Html);

        using var response = await client.Http.PostAsync($"review/{id}/decision", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["verdict"] = "deny",
            ["reason"] = "   ",
        }));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<p id=\"reason-error\" class=\"field-error\">Enter a reason to deny this request.", html, StringComparison.Ordinal);
        Assert.Contains("aria-describedby=\"reason-error reason-hint\" aria-invalid=\"true\"", html, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Pending, (await host.Services.GetRequiredService<ApprovalService>().GetAsync(id, default))!.Status);
    }

    [Fact]
    public async Task An_approver_outside_the_requests_groups_gets_a_clear_refusal_and_nothing_changes()
    {
        await using var host = await fixture.StartServerAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent, Api.Body(kind: "infrastructure_mutation", name: "Cluster.Scale"));
        Provider.SetGroups("carol", "finance");
        using var client = new ReviewClient(host);
        await client.SignInAsync("carol");
        var token = ReviewClient.AntiforgeryToken((await client.GetPageAsync("review/" + id)).Html);

        using var response = await client.Http.PostAsync($"review/{id}/decision", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["verdict"] = "approve",
        }));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
        Assert.Contains("not in any of this request&#x27;s approver groups", html, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Pending, (await host.Services.GetRequiredService<ApprovalService>().GetAsync(id, default))!.Status);
    }

    [Fact]
    public async Task An_approval_through_the_page_is_recorded_as_the_signed_in_person_and_redirects_to_the_detail()
    {
        await using var host = await fixture.StartServerAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent, Api.Body(kind: "permission_change", name: "Roles.Grant"));
        using var client = new ReviewClient(host);
        await client.SignInAsync("alice");
        var token = ReviewClient.AntiforgeryToken((await client.GetPageAsync("review/" + id)).Html);

        using var response = await client.Http.PostAsync($"review/{id}/decision", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["verdict"] = "approve",
            ["reason"] = "looks right",
        }));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal($"/review/{id}?decided=approve", response.Headers.Location!.OriginalString);
        var record = (await host.Services.GetRequiredService<ApprovalService>().GetAsync(id, default))!;
        var decision = Assert.Single(record.Decisions);
        Assert.Equal("alice", decision.Approver.Subject);
        Assert.Equal(Provider.Issuer, decision.Approver.Issuer);
        Assert.Equal("looks right", decision.Reason);
        Assert.Equal(ApprovalStatus.Pending, record.Status);
        var (_, html) = await client.GetPageAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("Your approval was recorded. The request still needs 1 more approval.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_stylesheet_is_served_by_the_server()
    {
        await using var host = await fixture.StartServerAsync();
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await client.GetAsync("review/assets/review.css");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(":focus-visible", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
