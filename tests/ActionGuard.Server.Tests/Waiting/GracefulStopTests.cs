using System.Net;
using ActionGuard.Server.Tests.TestSupport;
using ActionGuard.Server.Waiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActionGuard.Server.Tests.Waiting;

// A graceful stop answers the requests it holds instead of waiting them out. The host is given a short shutdown
// timeout: a poll or stream still open when it runs out is cut, which is what these tests would see without the fix.
public sealed class GracefulStopTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private static readonly TimeSpan ShortShutdown = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task A_long_poll_held_when_the_server_stops_is_answered_with_the_approval_as_it_is()
    {
        var host = await StartAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        agent.Timeout = TimeSpan.FromSeconds(60);
        var id = await Api.CreatePendingAsync(agent);

        var poll = Api.GetAsync(agent, $"v1/approvals/{id}?wait=60");
        await WaitUntilHeldAsync(host);
        await host.DisposeAsync();

        var reply = await poll;
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("pending", reply.ApprovalStatus);
    }

    [Fact]
    public async Task An_event_stream_open_when_the_server_stops_ends_cleanly_after_what_it_sent()
    {
        var host = await StartAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        agent.Timeout = TimeSpan.FromSeconds(60);
        var id = await Api.CreatePendingAsync(agent);
        using var response = await agent.GetAsync($"v1/approvals/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("event: approval", await reader.ReadLineAsync());
        await WaitUntilHeldAsync(host);

        var rest = reader.ReadToEndAsync();
        await host.DisposeAsync();

        // The stream ends as a stream ends, not with a reset connection.
        Assert.DoesNotContain("event:", await rest, StringComparison.Ordinal);
    }

    private async Task<ServerHost> StartAsync() =>
        await ServerHost.StartKestrelAsync(fixture.Idp, services: s => s.Configure<HostOptions>(o => o.ShutdownTimeout = ShortShutdown));

    // The request is parked on its approval's signal: only then does the stop find it waiting.
    private static async Task WaitUntilHeldAsync(ServerHost host)
    {
        var signals = host.Services.GetRequiredService<ApprovalSignals>();
        for (var i = 0; i < 400 && signals.Count == 0; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(1, signals.Count);
    }
}
