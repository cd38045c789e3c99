using System.Collections.Concurrent;
using ActionGuard.Server.Notifications;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ActionGuard.Server.Tests.Notifications;

// A new kind of channel is one provider registered beside the others: it receives what every channel receives, and the
// channels the configuration does not turn on do not exist.
public sealed class ChannelProviderTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    [Fact]
    public async Task A_channel_added_with_one_registration_receives_requests_and_outcomes()
    {
        var pager = new PagerChannel();
        await using var host = await ServerHost.StartKestrelAsync(fixture.Idp, services: s =>
            s.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationChannelProvider>(new PagerProvider(pager))));
        using var agent = host.CreateClient(ServerHost.AgentKey);
        using var alice = host.CreateClient(fixture.Idp.IssueToken("alice"));

        var id = await Api.CreatePendingAsync(agent);
        await Api.DecideAsync(alice, id, "deny", "not today");

        var received = await pager.WaitForAsync(2);
        Assert.Equal([NotificationEventTypes.Requested, "approval.denied"], received.Select(e => e.Type));
        Assert.All(received, e => Assert.Equal(id, e.Approval.Id));
        var providers = host.Services.GetServices<INotificationChannelProvider>().ToList();
        Assert.Equal(4, providers.Count); // Slack, Teams, webhooks and the pager
        Assert.Equal(["pager"], providers.SelectMany(p => p.CreateChannels()).Select(c => c.Name));
    }

    private sealed class PagerProvider(PagerChannel channel) : INotificationChannelProvider
    {
        public IEnumerable<INotificationChannel> CreateChannels() => [channel];
    }

    private sealed class PagerChannel : INotificationChannel
    {
        private readonly ConcurrentQueue<NotificationEvent> _received = new();

        public string Name => "pager";

        public Task SendAsync(NotificationEvent notification, CancellationToken cancellationToken)
        {
            _received.Enqueue(notification);
            return Task.CompletedTask;
        }

        public async Task<List<NotificationEvent>> WaitForAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (_received.Count < count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            return [.. _received];
        }
    }
}
