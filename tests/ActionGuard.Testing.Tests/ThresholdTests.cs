using ActionGuard.Client;
using ActionGuard.Testing.Tests.TestSupport;

namespace ActionGuard.Testing.Tests;

public sealed class ThresholdTests
{
    private static async Task<(InMemoryApprovalBackend Backend, Approval Approval)> PendingAsync(int minApprovals)
    {
        var backend = new InMemoryApprovalBackend(new InMemoryApprovalBackendOptions { DefaultMinApprovals = minApprovals });
        var approval = await backend.CreateClient("agent-7").CreateAsync(TestRequests.Export(TestRequests.Carol));
        return (backend, approval);
    }

    [Fact]
    public async Task Two_of_two_needs_two_distinct_people()
    {
        var (backend, approval) = await PendingAsync(2);
        using var _ = backend;

        await backend.ApproveAsync(approval.Id, "alice");
        var afterOne = backend.GetApproval(approval.Id);
        await backend.ApproveAsync(approval.Id, "bob");
        var afterTwo = backend.GetApproval(approval.Id);

        Assert.Equal(ApprovalStatus.Pending, afterOne.Status);
        Assert.Single(afterOne.Decisions);
        Assert.Equal(2, afterOne.Policy!.MinApprovals);
        Assert.Equal(ApprovalStatus.Approved, afterTwo.Status);
    }

    [Fact]
    public async Task Same_person_twice_is_refused_and_does_not_count()
    {
        var (backend, approval) = await PendingAsync(2);
        using var _ = backend;
        await backend.ApproveAsync(approval.Id, "alice");

        await TestRequests.Rejected(() => backend.ApproveAsync(approval.Id, "alice"), 409, "duplicate-decision");

        Assert.Equal(ApprovalStatus.Pending, backend.GetApproval(approval.Id).Status);
        Assert.Single(backend.GetApproval(approval.Id).Decisions);
    }

    [Fact]
    public async Task Same_subject_under_another_display_name_is_the_same_person()
    {
        var (backend, approval) = await PendingAsync(2);
        using var _ = backend;
        await backend.ApproveAsync(approval.Id, new ApprovalParty { Issuer = "https://idp.test/", Subject = "u-1", Name = "Alice" });

        await TestRequests.Rejected(
            () => backend.ApproveAsync(approval.Id, new ApprovalParty { Issuer = "https://idp.test/", Subject = "u-1", Name = "Alice Smith", Email = "a@x.test" }),
            409,
            "duplicate-decision");

        Assert.Equal(ApprovalStatus.Pending, backend.GetApproval(approval.Id).Status);
    }

    [Fact]
    public async Task Same_person_cannot_deny_after_approving()
    {
        var (backend, approval) = await PendingAsync(2);
        using var _ = backend;
        await backend.ApproveAsync(approval.Id, "alice");

        await TestRequests.Rejected(() => backend.DenyAsync(approval.Id, "alice", "changed my mind"), 409, "duplicate-decision");

        Assert.Equal(ApprovalStatus.Pending, backend.GetApproval(approval.Id).Status);
    }

    [Fact]
    public async Task Same_subject_at_another_issuer_is_another_person()
    {
        var (backend, approval) = await PendingAsync(2);
        using var _ = backend;

        await backend.ApproveAsync(approval.Id, new ApprovalParty { Issuer = "https://idp-a.test/", Subject = "u-1" });
        await backend.ApproveAsync(approval.Id, new ApprovalParty { Issuer = "https://idp-b.test/", Subject = "u-1" });

        Assert.Equal(ApprovalStatus.Approved, backend.GetApproval(approval.Id).Status);
    }

    [Fact]
    public async Task Initiator_cannot_approve_their_own_request()
    {
        var (backend, approval) = await PendingAsync(1);
        using var _ = backend;
        var initiatorUnderOtherName = new ApprovalParty { Issuer = TestRequests.Carol.Issuer, Subject = TestRequests.Carol.Subject, Name = "C." };

        await TestRequests.Rejected(() => backend.ApproveAsync(approval.Id, initiatorUnderOtherName), 403, "self-approval");

        Assert.Equal(ApprovalStatus.Pending, backend.GetApproval(approval.Id).Status);
        Assert.Empty(backend.GetApproval(approval.Id).Decisions);
    }

    [Fact]
    public async Task Agent_cannot_approve_its_own_request()
    {
        var (backend, approval) = await PendingAsync(1);
        using var _ = backend;

        await TestRequests.Rejected(() => backend.ApproveAsync(approval.Id, "agent-7"), 403, "self-approval");
        await TestRequests.Rejected(
            () => backend.ApproveAsync(approval.Id, new ApprovalParty { Issuer = "https://workload.test/", Subject = "agent-7" }),
            403,
            "self-approval");

        Assert.Equal(ApprovalStatus.Pending, backend.GetApproval(approval.Id).Status);
    }

    [Fact]
    public async Task Policy_subjects_are_reserved_for_the_backend()
    {
        var (backend, approval) = await PendingAsync(1);
        using var _ = backend;

        await TestRequests.Rejected(() => backend.ApproveAsync(approval.Id, "policy:default"), 403, "reserved-identity");

        Assert.Equal(ApprovalStatus.Pending, backend.GetApproval(approval.Id).Status);
    }

    [Fact]
    public async Task Scripted_self_approval_does_not_count()
    {
        using var backend = new InMemoryApprovalBackend();
        backend.RespondWith(ApprovalScript.Approve(TestRequests.Carol, TestIdentities.Person("agent-7")));

        var approval = await backend.CreateClient("agent-7").CreateAsync(TestRequests.Export(TestRequests.Carol));

        Assert.Equal(ApprovalStatus.Pending, approval.Status);
        Assert.Empty(approval.Decisions);
    }

    [Fact]
    public async Task Threshold_approval_records_each_counted_person()
    {
        var (backend, approval) = await PendingAsync(3);
        using var _ = backend;

        foreach (var person in new[] { "alice", "bob", "dave" })
        {
            await backend.ApproveAsync(approval.Id, person);
        }

        var approved = backend.GetApproval(approval.Id);
        Assert.Equal(ApprovalStatus.Approved, approved.Status);
        Assert.Equal(["alice", "bob", "dave"], approved.Decisions.Select(d => d.Approver.Subject));
        Assert.Single(backend.Transitions, t => t.To == ApprovalStatus.Approved);
    }
}
