using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Identity;
using ActionGuard.Server.Notifications;
using ActionGuard.Server.Notifications.Slack;
using ActionGuard.Server.Tests.Notifications;
using ActionGuard.Server.Tests.Notifications.Slack;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Server.Tests.Identity;

// Guessing credentials and flooding as an approver, against a real server on 127.0.0.1: past the allowance the
// answer is 429 with Retry-After, and an address out of failures is refused before its credentials are looked at.
public sealed class ThrottleTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private TestOidcIssuer Idp => fixture.Idp;

    [Fact]
    public async Task Guessing_api_keys_is_cut_off_after_the_burst_and_even_a_right_key_then_waits()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp, s =>
        {
            s["ActionGuard:Limits:FailedAuthenticationBurst"] = "5";
            s["ActionGuard:Limits:FailedAuthenticationsPerMinute"] = "1";
        });

        for (var i = 0; i < 5; i++)
        {
            using var guess = host.CreateClient("ag-key-guess-" + i.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(HttpStatusCode.Unauthorized, (await Api.CreateAsync(guess, Api.Body())).Status);
        }

        using var sixth = host.CreateClient("ag-key-guess-6");
        var refused = await Api.CreateAsync(sixth, Api.Body());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal("https://actionguard.dev/problems/rate-limited", refused.ProblemType);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);

        // The right key from the same address is not even checked, so a guess that happens to be right looks the
        // same as a wrong one; forged approver tokens are refused alike.
        using var agent = host.CreateClient(ServerHost.AgentKey);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Api.CreateAsync(agent, Api.Body())).Status);
        using var forged = host.CreateClient(Idp.IssueToken("alice", audience: "someone-else"));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Api.GetAsync(forged, "v1/approvals?status=pending")).Status);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_one_guessing_client_does_not_lock_out_the_others()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp, s =>
        {
            s["ActionGuard:Limits:FailedAuthenticationBurst"] = "3";
            s["ActionGuard:Limits:FailedAuthenticationsPerMinute"] = "1";
        });

        for (var i = 0; i < 3; i++)
        {
            using var guess = host.CreateClient("ag-key-guess");
            Assert.Equal(HttpStatusCode.Unauthorized, (await CreateViaProxyAsync(guess, "203.0.113.7")).Status);
        }

        using var attacker = host.CreateClient("ag-key-guess");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await CreateViaProxyAsync(attacker, "203.0.113.7")).Status);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        Assert.Equal(HttpStatusCode.Created, (await CreateViaProxyAsync(agent, "198.51.100.2")).Status);
    }

    [Fact]
    public async Task A_client_that_is_not_a_trusted_proxy_cannot_pick_its_address_to_escape_the_limit()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp, s =>
        {
            s["ActionGuard:TrustedProxies:0"] = "192.0.2.1";
            s["ActionGuard:Limits:FailedAuthenticationBurst"] = "3";
            s["ActionGuard:Limits:FailedAuthenticationsPerMinute"] = "1";
        });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var guess = host.CreateClient("ag-key-guess");
            statuses.Add((await CreateViaProxyAsync(guess, "203.0.113." + i.ToString(CultureInfo.InvariantCulture))).Status);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 3), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], statuses);
    }

    [Fact]
    public async Task Successful_calls_do_not_use_up_the_failure_allowance()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp, s =>
        {
            s["ActionGuard:Limits:FailedAuthenticationBurst"] = "2";
            s["ActionGuard:Limits:FailedAuthenticationsPerMinute"] = "1";
        });
        using var agent = host.CreateClient(ServerHost.AgentKey);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await Api.CreateAsync(agent, Api.Body())).Status);
        }

        using var wrong = host.CreateClient("ag-key-wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.CreateAsync(wrong, Api.Body())).Status);
        Assert.Equal(HttpStatusCode.Created, (await Api.CreateAsync(agent, Api.Body())).Status);
    }

    [Fact]
    public async Task An_approver_over_the_rate_is_429_and_cannot_decide_while_another_approver_can()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp, s =>
        {
            s["ActionGuard:Limits:ApproverBurst"] = "3";
            s["ActionGuard:Limits:ApproverRequestsPerSecond"] = "0.01";
        });
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var alice = host.CreateClient(Idp.IssueToken("alice"));
        var id = await Api.CreatePendingAsync(agent);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync(alice, "v1/approvals/" + id)).Status);
        }

        var refused = await Api.DecideAsync(alice, id);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 101);
        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);

        // A second token for the same person draws on the same allowance; another person has their own.
        using var aliceAgain = host.CreateClient(Idp.IssueToken("alice", groups: ["finance"]));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Api.GetAsync(aliceAgain, "v1/approvals/" + id)).Status);
        using var bob = host.CreateClient(Idp.IssueToken("bob"));
        Assert.Equal("approved", (await Api.DecideAsync(bob, id)).ApprovalStatus);
    }

    [Fact]
    public async Task Forged_slack_signatures_are_cut_off_after_the_burst()
    {
        await using var slack = await SlackRequests.StartSlackAsync();
        await using var host = await ServerHost.StartKestrelAsync(Idp, s =>
        {
            SlackRequests.Configure(s, slack, Idp.Issuer);
            s["ActionGuard:Limits:FailedAuthenticationBurst"] = "3";
            s["ActionGuard:Limits:FailedAuthenticationsPerMinute"] = "1";
        });
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var client = host.CreateClient();
        var id = await Api.CreatePendingAsync(agent);
        var payload = SlackRequests.BlockAction("U-ALICE", SlackMessages.ApproveAction, id);

        for (var i = 0; i < 3; i++)
        {
            using var forged = await PostForgedAsync(client, payload, "v0=" + new string('0', 64));
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        using var signed = await SlackRequests.PostInteractionAsync(client, payload);
        Assert.Equal(HttpStatusCode.TooManyRequests, signed.StatusCode);
        Assert.NotNull(signed.Headers.RetryAfter);
        // The agent shares the address and waits too, so the state is read from the server itself.
        var record = await host.Services.GetRequiredService<ApprovalService>().GetAsync(id, CancellationToken.None);
        Assert.Equal(ApprovalStatus.Pending, record!.Status);
    }

    [Fact]
    public void Buckets_for_invented_keys_stay_bounded()
    {
        var time = new FakeTimeProvider();
        var buckets = new TokenBuckets(time, perSecond: 0.001, burst: 1, maxKeys: 100);

        for (var i = 0; i < 10_000; i++)
        {
            buckets.TryAcquire("address-" + i.ToString(CultureInfo.InvariantCulture), out _);
        }

        Assert.InRange(buckets.Count, 1, 100);
        Assert.False(buckets.TryAcquire("address-9999", out var retry));
        Assert.True(retry >= 1);
    }

    private static async Task<Api.Reply> CreateViaProxyAsync(HttpClient client, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/approvals") { Content = new StringContent(Api.Body().ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        request.Headers.Add("X-Forwarded-For", "10.9.9.9, " + forwardedFor); // the first entry is the client's own claim
        return await Api.SendAsync(client, request);
    }

    private static async Task<HttpResponseMessage> PostForgedAsync(HttpClient client, JsonObject payload, string signature)
    {
        var body = "payload=" + Uri.EscapeDataString(payload.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, SlackInteractions.Path.TrimStart('/'))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add(SlackSignature.TimestampHeader, DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(SlackSignature.SignatureHeader, signature);
        return await client.SendAsync(request);
    }
}
