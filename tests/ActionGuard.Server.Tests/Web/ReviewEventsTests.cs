using System.Net;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

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

    [Fact]
    public async Task A_burst_of_changes_within_a_second_is_one_event()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await fixture.StartServerAsync(timeProvider: time);
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var alice = new ReviewClient(host);
        await alice.SignInAsync("alice");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await alice.Http.GetAsync("review/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        Assert.Equal("retry: 3000", await reader.ReadLineAsync(timeout.Token));

        for (var i = 0; i < 5; i++)
        {
            await Api.CreatePendingAsync(agent, Api.Body(name: $"Burst{i}.Export"));
        }

        // The server's one-second wait may start a moment after the creates: move the clock until the event comes.
        Assert.Equal("event: changed", await AdvanceUntilLineAsync(time, NextNonEmptyLineAsync(reader, timeout.Token)));
        Assert.Equal("data: {}", await reader.ReadLineAsync(timeout.Token));

        // Nothing changed since: the next thing on the stream is the keep-alive, not a second event.
        Assert.Equal(": keep-alive", await AdvanceUntilLineAsync(time, NextNonEmptyLineAsync(reader, timeout.Token), step: TimeSpan.FromSeconds(5)));
    }

    private static async Task<string> AdvanceUntilLineAsync(FakeTimeProvider time, Task<string> line, TimeSpan? step = null)
    {
        for (var i = 0; i < 20 && !line.IsCompleted; i++)
        {
            time.Advance(step ?? TimeSpan.FromMilliseconds(500));
            await Task.WhenAny(line, Task.Delay(200));
        }

        return await line;
    }

    private static async Task<string> NextNonEmptyLineAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException();
            if (line.Length > 0)
            {
                return line;
            }
        }
    }
}
