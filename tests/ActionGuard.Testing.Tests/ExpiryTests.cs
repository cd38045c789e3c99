using ActionGuard.Client;
using ActionGuard.Testing.Tests.TestSupport;

namespace ActionGuard.Testing.Tests;

public sealed class ExpiryTests
{
    private readonly FakeTimeProvider _time = new();

    private InMemoryApprovalBackend NewBackend() => new(new InMemoryApprovalBackendOptions
    {
        TimeProvider = _time,
        DefaultTtl = TimeSpan.FromMinutes(10),
        ClaimWindow = TimeSpan.FromMinutes(2),
    });

    [Fact]
    public async Task Pending_request_expires_by_timer_when_its_ttl_passes()
    {
        using var backend = NewBackend();
        var approval = await backend.CreateClient("agent-7").CreateAsync();

        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        var before = backend.Transitions;
        _time.Advance(TimeSpan.FromSeconds(1));

        // Transitions does not evaluate expiry itself: only the timer can have recorded this.
        Assert.Empty(before);
        var transition = Assert.Single(backend.Transitions);
        Assert.Equal((ApprovalStatus.Pending, ApprovalStatus.Expired), (transition.From, transition.To));
        Assert.Equal(approval.ExpiresAt, transition.At);
    }

    [Fact]
    public async Task Expiry_is_applied_on_read_when_no_timer_fired()
    {
        using var backend = NewBackend();
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();

        _time.JumpWithoutFiringTimers(TimeSpan.FromMinutes(11));

        Assert.Equal(ApprovalStatus.Expired, (await client.GetApprovalAsync(approval.Id)).Status);
        await TestRequests.Rejected(() => backend.ApproveAsync(approval.Id, "alice"), 409, "not-pending");
    }

    [Fact]
    public async Task Decision_just_before_the_ttl_still_counts()
    {
        using var backend = NewBackend();
        var approval = await backend.CreateClient("agent-7").CreateAsync();

        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        await backend.ApproveAsync(approval.Id, "alice");

        Assert.Equal(ApprovalStatus.Approved, backend.GetApproval(approval.Id).Status);
    }

    [Fact]
    public async Task Approved_request_expires_when_not_claimed_within_the_claim_window()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();

        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(2), approval.ExpiresAt);
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal((ApprovalStatus.Approved, ApprovalStatus.Expired), (backend.Transitions[^1].From, backend.Transitions[^1].To));
        await TestRequests.Rejected(() => client.ClaimAsync(approval.Id), 409, "not-approved");
        Assert.Equal(0, backend.ClaimCount);
    }

    [Fact]
    public async Task Claim_inside_the_window_succeeds_and_the_window_timer_no_longer_applies()
    {
        using var backend = NewBackend();
        backend.RespondWith(ApprovalScript.Approve(by: "alice"));
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();

        _time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        await client.ClaimAsync(approval.Id);
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(ApprovalStatus.Executing, backend.GetApproval(approval.Id).Status);
    }

    [Fact]
    public async Task Rule_ttl_overrides_the_default()
    {
        using var backend = NewBackend();
        backend.When(a => a.Action.Kind == ActionKind.PermissionChange).ExpiringAfter(TimeSpan.FromSeconds(30));
        var client = backend.CreateClient("agent-7");
        var fast = await client.CreateAsync(TestRequests.Export(kind: ActionKind.PermissionChange));
        var slow = await client.CreateAsync();

        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(ApprovalStatus.Expired, backend.GetApproval(fast.Id).Status);
        Assert.Equal(ApprovalStatus.Pending, backend.GetApproval(slow.Id).Status);
    }

    [Fact]
    public async Task Final_states_release_their_timers()
    {
        using var backend = NewBackend();
        var client = backend.CreateClient("agent-7");
        var approval = await client.CreateAsync();
        Assert.Equal(1, _time.ActiveTimerCount);

        await client.CancelAsync(approval.Id);

        Assert.Equal(0, _time.ActiveTimerCount);
    }
}
