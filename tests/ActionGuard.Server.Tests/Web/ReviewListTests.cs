using System.Net;
using ActionGuard.Server.Tests.TestSupport;

namespace ActionGuard.Server.Tests.Web;

// The list's views: pending and history, search, kind filter, sort, relative times and who decided what.
public sealed class ReviewListTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    [Fact]
    public async Task History_shows_decided_requests_with_who_decided_and_pending_no_longer_lists_them()
    {
        await using var host = await fixture.StartServerAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var decided = await Api.CreatePendingAsync(agent, Api.Body(name: "Ledger.Export"));
        var waiting = await Api.CreatePendingAsync(agent, Api.Body(name: "Crm.Export"));
        using var bob = new ReviewClient(host);
        await bob.SignInAsync("bob");
        using var decision = await bob.DecideOnThePageAsync(decided, "deny", "no ticket");
        Assert.Equal(HttpStatusCode.SeeOther, decision.StatusCode);
        using var alice = new ReviewClient(host);
        await alice.SignInAsync("alice");

        var (_, pending) = await alice.GetPageAsync("review");
        var (response, history) = await alice.GetPageAsync("review?view=history");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Crm.Export", pending, StringComparison.Ordinal);
        Assert.DoesNotContain("Ledger.Export", pending, StringComparison.Ordinal);
        Assert.Contains("Ledger.Export", history, StringComparison.Ordinal);
        Assert.DoesNotContain("Crm.Export", history, StringComparison.Ordinal);
        Assert.Contains("denied", history, StringComparison.Ordinal);
        Assert.Contains("(bob at", history, StringComparison.Ordinal);
        Assert.Contains("aria-current=\"page\">History", history, StringComparison.Ordinal);
        Assert.NotEqual(decided, waiting);
    }

    [Fact]
    public async Task Search_and_kind_narrow_the_list_and_sort_orders_it()
    {
        await using var host = await fixture.StartServerAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var first = Api.Body(name: "First.Export", destination: "s3://partner-drop/a.csv");
        await Api.CreatePendingAsync(agent, first);
        await Api.CreatePendingAsync(agent, Api.Body(kind: "permission_change", name: "Second.Grant", destination: "iam://roles/admin"));
        await Api.CreatePendingAsync(agent, Api.Body(name: "Third.Export", destination: "s3://internal/b.csv"));
        using var alice = new ReviewClient(host);
        await alice.SignInAsync("alice");

        var (_, searched) = await alice.GetPageAsync("review?q=PARTNER-drop");
        var (_, exports) = await alice.GetPageAsync("review?kind=data_export");
        var (_, newest) = await alice.GetPageAsync("review");
        var (_, oldest) = await alice.GetPageAsync("review?sort=oldest");

        Assert.Contains("First.Export", searched, StringComparison.Ordinal);
        Assert.DoesNotContain("Third.Export", searched, StringComparison.Ordinal);
        Assert.Contains("1 request matches.", searched, StringComparison.Ordinal);
        Assert.Contains("value=\"PARTNER-drop\"", searched, StringComparison.Ordinal);
        Assert.DoesNotContain("Second.Grant", exports, StringComparison.Ordinal);
        Assert.Contains("Third.Export", exports, StringComparison.Ordinal);
        Assert.True(newest.IndexOf("Third.Export", StringComparison.Ordinal) < newest.IndexOf("First.Export", StringComparison.Ordinal));
        Assert.True(oldest.IndexOf("First.Export", StringComparison.Ordinal) < oldest.IndexOf("Third.Export", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("review?sort=alphabetical", "'sort'")]
    [InlineData("review?view=archive", "'view'")]
    [InlineData("review?kind=Not%20A%20Kind", "'kind'")]
    public async Task An_unknown_view_sort_or_kind_is_refused_naming_the_parameter(string path, string parameter)
    {
        await using var host = await fixture.StartServerAsync();
        using var alice = new ReviewClient(host);
        await alice.SignInAsync("alice");

        var (response, html) = await alice.GetPageAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The parameter " + parameter.Replace("'", "&#x27;", StringComparison.Ordinal), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expiry_is_shown_relative_to_now()
    {
        await using var host = await fixture.StartServerAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        await Api.CreatePendingAsync(agent);
        using var alice = new ReviewClient(host);
        await alice.SignInAsync("alice");

        var (_, html) = await alice.GetPageAsync("review");

        Assert.Matches(@"<span class=""relative"">\(in \d+ (min|h \d+ min|days)\)</span>", html);
    }

    [Theory]
    [InlineData(90, "in 1 min")]
    [InlineData(-7200, "2 h 0 min ago")]
    [InlineData(30, "in less than a minute")]
    [InlineData(3 * 86400, "in 3 days")]
    public void Relative_times_read_as_words(int seconds, string expected)
    {
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(expected, ActionGuard.Server.Web.ReviewFormat.Relative(now.AddSeconds(seconds), now));
    }
}
