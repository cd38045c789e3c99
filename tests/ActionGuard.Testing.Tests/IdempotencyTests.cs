using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Testing.Tests.TestSupport;

namespace ActionGuard.Testing.Tests;

public sealed class IdempotencyTests
{
    [Fact]
    public async Task Same_key_and_body_returns_the_same_approval()
    {
        using var backend = new InMemoryApprovalBackend();
        var client = backend.CreateClient("agent-7");
        var request = TestRequests.Export(TestRequests.Carol);

        var first = await client.CreateApprovalAsync(request, "key-1");
        var again = await client.CreateApprovalAsync(request, "key-1");

        Assert.Equal(first.Id, again.Id);
        Assert.Single(backend.Approvals);
        Assert.Equal([false, true], backend.Requests.Select(r => r.IsReplay));
        Assert.All(backend.Requests, r => Assert.Equal(first.Id, r.ApprovalId));
    }

    [Fact]
    public async Task Replay_returns_the_current_state_not_the_original()
    {
        using var backend = new InMemoryApprovalBackend();
        var client = backend.CreateClient("agent-7");
        var request = TestRequests.Export(TestRequests.Carol);
        var first = await client.CreateApprovalAsync(request, "key-1");
        await backend.ApproveAsync(first.Id, "alice");

        var again = await client.CreateApprovalAsync(request, "key-1");

        Assert.Equal(ApprovalStatus.Approved, again.Status);
    }

    [Fact]
    public async Task Equal_body_with_arguments_in_another_order_is_the_same_request()
    {
        using var backend = new InMemoryApprovalBackend();
        var client = backend.CreateClient("agent-7");
        var request = TestRequests.Export();
        var reordered = new CreateApprovalRequest
        {
            Action = new ApprovalAction { Kind = request.Action.Kind, Name = request.Action.Name, Resource = request.Action.Resource, Destination = request.Action.Destination, Environment = request.Action.Environment },
            Arguments = request.Arguments.Reverse().ToDictionary(),
            DataClasses = request.DataClasses,
            Justification = request.Justification,
            ActionHash = request.ActionHash,
        };

        var first = await client.CreateApprovalAsync(request, "key-1");
        var again = await client.CreateApprovalAsync(reordered, "key-1");

        Assert.Equal(first.Id, again.Id);
    }

    [Fact]
    public async Task Same_key_with_another_body_is_a_conflict()
    {
        using var backend = new InMemoryApprovalBackend();
        var client = backend.CreateClient("agent-7");
        var request = TestRequests.Export();
        await client.CreateApprovalAsync(request, "key-1");
        var changed = new CreateApprovalRequest
        {
            Action = request.Action,
            Arguments = new Dictionary<string, JsonElement> { ["table"] = JsonSerializer.SerializeToElement("payroll") },
            ActionHash = request.ActionHash,
        };

        await TestRequests.Rejected(() => client.CreateApprovalAsync(changed, "key-1"), 409, "idempotency-conflict");

        Assert.Single(backend.Approvals);
        Assert.Null(backend.Requests[^1].ApprovalId);
    }

    [Fact]
    public async Task Idempotency_keys_are_scoped_per_agent()
    {
        using var backend = new InMemoryApprovalBackend();
        var request = TestRequests.Export();

        var first = await backend.CreateClient("agent-7").CreateApprovalAsync(request, "key-1");
        var other = await backend.CreateClient("agent-8").CreateApprovalAsync(request, "key-1");

        Assert.NotEqual(first.Id, other.Id);
        Assert.Equal(2, backend.Approvals.Count);
    }
}
