using System.Net;
using ActionGuard.Server.Tests.TestSupport;

namespace ActionGuard.Server.Tests.Web;

// The review page's change stream: signed-in reviewers only, one event per change, nothing about the request in it.
public sealed class ReviewEventsTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    [Fact]
    public async Task Without_a_sign_in_the_stream_is_refused()
    {
        await using var host = await fixture.StartServerAsync();
        using var client = new ReviewClient(host);

        using var response = await client.Http.GetAsync("review/events", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_new_request_reaches_a_signed_in_reviewer_as_a_changed_event_without_its_content()
    {
        await using var host = await fixture.StartServerAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var alice = new ReviewClient(host);
        await alice.SignInAsync("alice");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        using var response = await alice.Http.GetAsync("review/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        Assert.Equal("retry: 3000", await reader.ReadLineAsync(timeout.Token));

        var id = await Api.CreatePendingAsync(agent, Api.Body(name: "Secret.Export"));
        var lines = new List<string>();
        while (!lines.Contains("event: changed"))
        {
            lines.Add(await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException());
        }

        lines.Add((await reader.ReadLineAsync(timeout.Token))!);
        Assert.Equal("data: {}", lines[^1]);
        Assert.DoesNotContain(lines, l => l.Contains(id, StringComparison.Ordinal) || l.Contains("Secret.Export", StringComparison.Ordinal));
    }
}
