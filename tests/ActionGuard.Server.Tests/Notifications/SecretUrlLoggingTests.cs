using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.Logging;

namespace ActionGuard.Server.Tests.Notifications;

// A Teams workflow URL or a webhook URL lets anyone who reads it post to the channel: with every log level on, a
// server that delivers to both (and retries a failing one) never writes either URL's path or query.
public sealed class SecretUrlLoggingTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private const string TeamsSecret = "teams-sig-5c1e9";
    private const string WebhookSecret = "hook-path-83ad2";
    private const string QuerySecret = "hook-token-0f4b7";

    [Fact]
    public async Task Teams_and_webhook_urls_never_reach_the_logs_even_when_deliveries_fail_and_are_retried()
    {
        await using var teams = await LocalReceiver.StartAsync();
        teams.Reply = _ => Task.FromResult((202, string.Empty));
        await using var hook = await LocalReceiver.StartAsync();
        var calls = 0;
        hook.Reply = _ => Task.FromResult(Interlocked.Increment(ref calls) == 1 ? (503, "busy") : (200, "{}"));
        using var logs = new CapturedLogs();
        await using var host = await ServerHost.StartKestrelAsync(fixture.Idp, s =>
        {
            s["ActionGuard:ReviewUrlBase"] = "https://approvals.example.com/review";
            s["ActionGuard:Notifications:Teams:WebhookUrl"] = new Uri(teams.BaseAddress, "workflows/" + TeamsSecret + "?sig=" + TeamsSecret).AbsoluteUri;
            s["ActionGuard:Notifications:Webhooks:0:Url"] = new Uri(hook.BaseAddress, "hooks/" + WebhookSecret + "?token=" + QuerySecret).AbsoluteUri;
            s["ActionGuard:Notifications:Webhooks:0:Secret"] = "whsec-test-secret-value-1234567890";
        }, logs: logs);
        using var agent = host.CreateClient(ServerHost.AgentKey);

        await Api.CreatePendingAsync(agent);
        await teams.NextAsync();
        await hook.NextAsync();
        await hook.NextAsync(); // the retry after the 503

        Assert.Contains(logs.Lines, l => l.Text.Contains("Notification HTTP POST to " + hook.BaseAddress.GetLeftPart(UriPartial.Authority) + " answered 503", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("webhook:0", StringComparison.Ordinal));
        foreach (var secret in new[] { TeamsSecret, WebhookSecret, QuerySecret, "whsec-test-secret-value" })
        {
            Assert.False(logs.Contain(secret), $"'{secret}' reached the logs");
        }
    }
}
