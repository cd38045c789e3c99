using ActionGuard.Client;
using ActionGuard.Testing.Tests.TestSupport;

namespace ActionGuard.Testing.Tests;

public sealed class AgentScopeTests
{
    [Fact]
    public async Task Another_agent_cannot_see_the_approval_and_is_told_it_is_not_the_owner_as_the_server_tells_it()
    {
        using var backend = new InMemoryApprovalBackend();
        var approval = await backend.CreateClient("agent-7").CreateAsync();
        var intruder = backend.CreateClient("agent-8");

        await TestRequests.Rejected(() => intruder.GetApprovalAsync(approval.Id), 403, "not-owner");
        await TestRequests.Rejected(
            async () =>
            {
                await foreach (var _ in intruder.WatchApprovalAsync(approval.Id))
                {
                }
            },
            403,
            "not-owner");
    }

    [Fact]
    public async Task Another_agent_cannot_claim_cancel_or_report()
    {
        using var backend = new InMemoryApprovalBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var approval = await backend.CreateClient("agent-7").CreateAsync();
        var intruder = backend.CreateClient("agent-8");

        await TestRequests.Rejected(() => intruder.ClaimAsync(approval.Id), 403, "not-owner");
        await TestRequests.Rejected(() => intruder.CancelAsync(approval.Id), 403, "not-owner");
        await TestRequests.Rejected(() => intruder.ReportOutcomeAsync(approval.Id, new ApprovalOutcome { Status = OutcomeStatus.Succeeded }), 403, "not-owner");

        Assert.Equal(ApprovalStatus.Approved, backend.GetApproval(approval.Id).Status);
        Assert.Equal(0, backend.ClaimCount);
    }
}
