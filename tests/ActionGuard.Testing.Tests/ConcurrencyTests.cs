using ActionGuard.Client;
using ActionGuard.Testing.Tests.TestSupport;

namespace ActionGuard.Testing.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Fifty_parallel_approvers_make_exactly_one_approved_transition()
    {
        using var backend = new InMemoryApprovalBackend(new InMemoryApprovalBackendOptions { DefaultMinApprovals = 10 });
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await backend.ApproveAsync(approval.Id, "approver-" + i);
                return true;
            }
            catch (ApprovalRequestRejectedException ex) when ((int)ex.StatusCode == 409)
            {
                return false;
            }
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(attempts);

        Assert.Equal(10, results.Count(r => r));
        var approved = backend.GetApproval(approval.Id);
        Assert.Equal(ApprovalStatus.Approved, approved.Status);
        Assert.Equal(10, approved.Decisions.Count);
        Assert.Single(backend.Transitions, t => t.To == ApprovalStatus.Approved);
        var claim = await client.ClaimAsync(approval.Id);
        Assert.Equal(10, TokenAssertions.Payload(claim.DecisionToken).GetProperty("ag_approvers").GetArrayLength());
    }

    [Fact]
    public async Task Fifty_parallel_claims_let_exactly_one_through()
    {
        using var backend = new InMemoryApprovalBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                return (await client.ClaimAsync(approval.Id)).DecisionToken;
            }
            catch (ApprovalRequestRejectedException ex) when (ex.ProblemType == "https://actionguard.dev/problems/already-claimed")
            {
                return null;
            }
        })).ToList();
        start.Set();
        var tokens = await Task.WhenAll(attempts);

        Assert.Single(tokens, t => t is not null);
        Assert.Equal(1, backend.ClaimCount);
        Assert.Single(backend.Transitions, t => t.To == ApprovalStatus.Executing);
    }

    [Fact]
    public async Task Parallel_creates_with_one_idempotency_key_make_one_approval()
    {
        using var backend = new InMemoryApprovalBackend();
        var client = backend.CreateClient("agent-7");
        var request = TestRequests.Export();

        var approvals = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => client.CreateApprovalAsync(request, "key-1"))));

        Assert.Single(approvals.Select(a => a.Id).Distinct());
        Assert.Single(backend.Approvals);
        Assert.Equal(49, backend.Requests.Count(r => r.IsReplay));
    }
}
