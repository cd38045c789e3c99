using System.Text;
using System.Text.Json;
using ActionGuard.Server.Notifications;
using ActionGuard.Server.Notifications.Teams;
using ActionGuard.Server.Tests.TestSupport;

namespace ActionGuard.Server.Tests.Notifications.Teams;

public sealed class TeamsTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private TestOidcIssuer Idp => fixture.Idp;

    [Fact]
    public void The_request_card_matches_its_golden_file()
    {
        var body = TeamsCard.Build(Samples.Event(NotificationEventTypes.Requested, Samples.Pending()));

        Golden.Verify("teams.requested", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void The_outcome_card_matches_its_golden_file()
    {
        var body = TeamsCard.Build(Samples.Event("approval.denied", Samples.Denied()));

        Golden.Verify("teams.denied", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task A_request_card_is_posted_to_the_webhook_with_approve_and_deny_leading_to_the_review_page()
    {
        await using var teams = await LocalReceiver.StartAsync();
        teams.Reply = _ => Task.FromResult((202, string.Empty));
        await using var host = ServerHost.StartInMemory(Idp, s =>
        {
            s["ActionGuard:ReviewUrlBase"] = "https://approvals.example.com/review";
            s["ActionGuard:Notifications:Teams:WebhookUrl"] = new Uri(teams.BaseAddress, "workflows/abc").AbsoluteUri;
        });
        using var agent = host.CreateClient(ServerHost.AgentKey);

        var id = await Api.CreatePendingAsync(agent);

        var post = await teams.NextAsync();
        Assert.Equal("/workflows/abc", post.Path);
        using var body = JsonDocument.Parse(post.Body);
        var card = body.RootElement.GetProperty("attachments")[0].GetProperty("content");
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        var actions = card.GetProperty("actions").EnumerateArray().ToList();
        Assert.Equal(["Approve", "Deny"], actions.Select(a => a.GetProperty("title").GetString()));
        Assert.All(actions, a => Assert.Equal("https://approvals.example.com/review/" + id, a.GetProperty("url").GetString()));
    }
}
