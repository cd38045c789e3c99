using ActionGuard.Client;
using ActionGuard.Testing.Tests.TestSupport;

namespace ActionGuard.Testing.Tests.Recording;

public sealed class RecordingTests
{
    [Fact]
    public async Task Requests_record_body_agent_key_result_and_time()
    {
        var time = new FakeTimeProvider();
        using var backend = new InMemoryApprovalBackend(new InMemoryApprovalBackendOptions { TimeProvider = time });
        var request = TestRequests.Export(TestRequests.Carol);

        var approval = await backend.CreateClient("agent-7").CreateApprovalAsync(request, "key-1");

        var recorded = Assert.Single(backend.Requests);
        // What the backend read: the same body as the agent sent.
        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(request, ActionGuard.Client.ApprovalJsonContext.Default.CreateApprovalRequest),
            System.Text.Json.JsonSerializer.Serialize(recorded.Request, ActionGuard.Client.ApprovalJsonContext.Default.CreateApprovalRequest));
        Assert.Equal("agent-7", recorded.AgentId);
        Assert.Equal("key-1", recorded.IdempotencyKey);
        Assert.Equal(approval.Id, recorded.ApprovalId);
        Assert.False(recorded.IsReplay);
        Assert.Equal(time.GetUtcNow(), recorded.At);
    }

    [Fact]
    public async Task Approvals_are_snapshots_in_creation_order()
    {
        using var backend = new InMemoryApprovalBackend();
        var client = backend.CreateClient("agent-7");
        var first = await client.CreateAsync();
        var second = await client.CreateAsync();

        var before = backend.Approvals;
        await backend.ApproveAsync(first.Id, "alice");

        Assert.Equal([first.Id, second.Id], before.Select(a => a.Id));
        Assert.Equal(ApprovalStatus.Pending, before[0].Status);
        Assert.Equal(ApprovalStatus.Approved, backend.Approvals[0].Status);
    }

    [Fact]
    public async Task Outcomes_and_claims_are_counted_per_approval()
    {
        using var backend = new InMemoryApprovalBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var ok = await client.CreateAsync();
        var bad = await client.CreateAsync();
        var unclaimed = await client.CreateAsync();

        await client.ClaimAsync(ok.Id);
        await client.ClaimAsync(bad.Id);
        await client.ReportOutcomeAsync(ok.Id, new ApprovalOutcome { Status = OutcomeStatus.Succeeded });
        await client.ReportOutcomeAsync(bad.Id, new ApprovalOutcome { Status = OutcomeStatus.Failed, Error = "disk full" });

        Assert.Equal(2, backend.ClaimCount);
        Assert.Equal(2, backend.Outcomes.Count);
        Assert.Equal(OutcomeStatus.Succeeded, backend.Outcomes[ok.Id].Status);
        Assert.Equal("disk full", backend.Outcomes[bad.Id].Error);
        Assert.False(backend.Outcomes.ContainsKey(unclaimed.Id));
    }
}
