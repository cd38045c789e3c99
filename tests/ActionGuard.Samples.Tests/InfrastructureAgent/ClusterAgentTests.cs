using ActionGuard.Client;
using ActionGuard.Testing;
using InfrastructureAgent;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Samples.Tests.InfrastructureAgent;

// The infrastructure agent's guarded mutations, scripted on the in-memory backend.
public sealed class ClusterAgentTests : IAsyncDisposable
{
    private readonly InMemoryApprovalBackend _backend = new();
    private readonly FakeCluster _cluster = new();
    private readonly ServiceProvider _services;
    private readonly ClusterAgent _agent;

    public ClusterAgentTests()
    {
        var services = new ServiceCollection();
        services.AddActionGuard(o => o.AgentId = "infra-agent").UseInMemoryBackend(_backend).AddClusterAgent(_cluster);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _agent = _services.CreateScope().ServiceProvider.GetRequiredService<ClusterAgent>();
    }

    [Fact]
    public async Task The_sample_runs_and_its_own_checks_hold()
    {
        using var output = new StringWriter();

        var exitCode = await InfrastructureStory.RunAsync(output);

        Assert.True(exitCode == 0, output.ToString());
        Assert.Contains("ActionDeniedException: sam.sre@example.com: " + InfrastructureStory.DenyReason, output.ToString());
    }

    [Fact]
    public async Task Scale_waits_for_a_person_and_runs_once_approved()
    {
        using var initiator = ActionInitiator.Begin(TestIdentities.Person("olga@example.com"));
        var scale = _agent.ScaleAsync("shop", "checkout", 8);

        var request = await _backend.WaitForRequestAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("infrastructure_mutation", request.Action.Kind);
        Assert.Equal("k8s://prod/shop/checkout", request.Action.Resource);
        Assert.Equal("prod", request.Action.Environment);
        Assert.Equal(3, _cluster.ReplicasOf("shop", "checkout"));
        Assert.False(scale.IsCompleted);

        await _backend.ApproveAsync(request.Id, "sam@example.com");
        await scale.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(8, _cluster.ReplicasOf("shop", "checkout"));
        Assert.Equal(OutcomeStatus.Succeeded, _backend.Outcomes[request.Id].Status);
    }

    [Fact]
    public async Task Denied_delete_leaves_the_workload_and_says_who_and_why()
    {
        _backend.RespondWith(ApprovalScript.Deny("sam@example.com", "stateful"));

        var denied = await Assert.ThrowsAsync<ActionDeniedException>(() => _agent.DeleteAsync("shop", "orders-db"));

        Assert.Equal("sam@example.com", denied.DeniedBy?.Subject);
        Assert.Equal("stateful", denied.Reason);
        Assert.Equal(1, _cluster.ReplicasOf("shop", "orders-db"));
        Assert.Empty(_cluster.Ran);
    }

    [Fact]
    public async Task Lambda_guarded_recycle_fails_closed_when_the_backend_is_down()
    {
        _backend.RespondWith(ApprovalScript.Fail());

        await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => _agent.RecycleNodePoolAsync("general", 1));

        Assert.Empty(_cluster.Ran);
    }

    [Fact]
    public async Task Lambda_guarded_recycle_sends_its_arguments_and_runs_once_approved()
    {
        _backend.RespondWith(ApprovalScript.Approve("sam@example.com"));

        await _agent.RecycleNodePoolAsync("general", 2);

        var request = Assert.Single(_backend.Requests).Request;
        Assert.Equal("NodePools.Recycle", request.Action.Name);
        Assert.Equal("k8s://prod/nodepools/general", request.Action.Resource);
        Assert.Equal("general", request.Arguments["pool"].GetString());
        Assert.Equal(2, request.Arguments["maxUnavailable"].GetInt32());
        Assert.Equal(["recycle node pool general (max 2 unavailable)"], _cluster.Ran);
    }

    [Fact]
    public async Task Reads_need_no_approval()
    {
        var workloads = await _agent.ListAsync("shop");

        Assert.Equal(["checkout", "orders-db", "search"], workloads.Keys);
        Assert.Empty(_backend.Requests);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _backend.Dispose();
    }
}
