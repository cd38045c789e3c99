using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.PendingApprovals;
using ActionGuard.Testing;
using ActionGuard.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ActionGuard.Tests.PendingApprovals;

/// <summary>
/// An agent that loses its backend (or its process) while a person decides, then runs again and makes the same call,
/// adopts the request it left waiting instead of asking twice; anything it cannot trust makes it ask anew.
/// </summary>
public sealed class PendingApprovalRestartTests : IDisposable
{
    private static readonly ApprovalParty Dana = new() { Issuer = "https://idp.example/", Subject = "dana" };
    private static readonly ApprovalParty Erin = new() { Issuer = "https://idp.example/", Subject = "erin" };

    private readonly InMemoryApprovalBackend _backend = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ag-pending-tests", Guid.NewGuid().ToString("N"));
    private readonly List<ServiceProvider> _agents = [];
    private int _runs;

    public void Dispose()
    {
        foreach (var agent in _agents)
        {
            agent.Dispose();
        }

        _backend.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_restarted_agent_adopts_the_waiting_request_and_runs_once_when_a_person_approves()
    {
        var request = await LoseAgentWhileWaitingAsync(Export("customers", 12));

        var second = StartAgent(out _);
        var call = RunAsync(second, Export("customers", 12));
        await _backend.ApproveAsync(request.Id, "alice");
        await call;

        Assert.Equal(1, _runs);
        Assert.Single(_backend.Requests, r => !r.IsReplay);
        Assert.Equal(OutcomeStatus.Succeeded, _backend.Outcomes[request.Id].Status);
        Assert.Empty(EntryFiles());
    }

    [Fact]
    public async Task An_approval_given_while_the_agent_was_down_is_claimed_by_the_restarted_agent_without_a_new_request()
    {
        var request = await LoseAgentWhileWaitingAsync(Export("customers", 12));
        await _backend.ApproveAsync(request.Id, "alice");

        await RunAsync(StartAgent(out _), Export("customers", 12));

        Assert.Equal(1, _runs);
        Assert.Single(_backend.Requests, r => !r.IsReplay);
        Assert.Equal(1, _backend.ClaimCount);
    }

    [Fact]
    public async Task The_same_call_with_other_arguments_is_a_new_request()
    {
        var first = await LoseAgentWhileWaitingAsync(Export("customers", 12));

        var call = RunAsync(StartAgent(out _), Export("customers", 13));
        var second = await _backend.WaitForRequestAsync(a => a.Status == ApprovalStatus.Pending && a.Id != first.Id);
        await _backend.ApproveAsync(first.Id, "alice");
        await _backend.ApproveAsync(second.Id, "alice");
        await call;

        Assert.Equal(2, _backend.Requests.Count(r => !r.IsReplay));
        Assert.False(_backend.Outcomes.ContainsKey(first.Id));
        Assert.Equal(OutcomeStatus.Succeeded, _backend.Outcomes[second.Id].Status);
    }

    [Fact]
    public async Task Another_initiator_making_the_same_call_does_not_adopt_the_first_ones_request()
    {
        var first = await LoseAgentWhileWaitingAsync(Export("customers", 12, Dana));

        var call = RunAsync(StartAgent(out _), Export("customers", 12, Erin));
        var second = await _backend.WaitForRequestAsync(a => a.Status == ApprovalStatus.Pending && a.Id != first.Id);
        await _backend.ApproveAsync(second.Id, "alice");
        await call;

        Assert.Equal("erin", second.Initiator?.Subject);
        Assert.False(_backend.Outcomes.ContainsKey(first.Id));
    }

    [Fact]
    public async Task A_request_denied_while_the_agent_was_down_is_not_adopted_and_the_agent_asks_again()
    {
        var first = await LoseAgentWhileWaitingAsync(Export("customers", 12));
        await _backend.DenyAsync(first.Id, "alice", "not this quarter");

        var call = RunAsync(StartAgent(out _), Export("customers", 12));
        var second = await _backend.WaitForRequestAsync(a => a.Status == ApprovalStatus.Pending && a.Id != first.Id);
        await _backend.DenyAsync(second.Id, "alice", "still no");

        await Assert.ThrowsAsync<ActionDeniedException>(() => call);
        Assert.Equal(0, _runs);
        Assert.Empty(EntryFiles());
    }

    [Fact]
    public async Task An_altered_entry_is_discarded_and_its_approval_never_authorizes_a_run()
    {
        var first = await LoseAgentWhileWaitingAsync(Export("customers", 12));
        var file = Assert.Single(EntryFiles());
        var entry = JsonDocument.Parse(File.ReadAllText(file)).RootElement;
        var sealedState = Convert.FromBase64String(entry.GetProperty("sealed").GetString()!);
        sealedState[20] ^= 0x01;
        File.WriteAllText(file, JsonSerializer.Serialize(new
        {
            approvalId = entry.GetProperty("approvalId").GetString(),
            expiresAt = entry.GetProperty("expiresAt").GetDateTimeOffset(),
            @sealed = Convert.ToBase64String(sealedState),
        }));
        await _backend.ApproveAsync(first.Id, "alice");

        var call = RunAsync(StartAgent(out _), Export("customers", 12));
        var second = await _backend.WaitForRequestAsync(a => a.Status == ApprovalStatus.Pending && a.Id != first.Id);

        Assert.False(call.IsCompleted);
        Assert.Equal(0, _runs);
        Assert.Equal(0, _backend.ClaimCount);
        await _backend.DenyAsync(second.Id, "alice", "asked again, denied");
        await Assert.ThrowsAsync<ActionDeniedException>(() => call);
        Assert.Equal(0, _runs);
    }

    [Fact]
    public async Task An_entry_sealed_under_another_key_is_discarded_and_the_agent_asks_again()
    {
        var first = await LoseAgentWhileWaitingAsync(Export("customers", 12));
        await _backend.ApproveAsync(first.Id, "alice");

        var otherKey = StartAgent(out _, o => o.Key = new byte[PendingApprovalOptions.KeyLength]);
        var call = RunAsync(otherKey, Export("customers", 12));
        var second = await _backend.WaitForRequestAsync(a => a.Status == ApprovalStatus.Pending && a.Id != first.Id);
        await _backend.ApproveAsync(second.Id, "alice");
        await call;

        Assert.Equal(1, _runs);
        Assert.Equal(1, _backend.ClaimCount);
        Assert.Equal(OutcomeStatus.Succeeded, _backend.Outcomes[second.Id].Status);
    }

    [Fact]
    public async Task Two_identical_calls_at_once_in_one_process_get_a_request_each()
    {
        var agent = StartAgent(out _);
        var one = RunAsync(agent, Export("customers", 12));
        var first = await _backend.WaitForRequestAsync();
        var two = RunAsync(agent, Export("customers", 12));
        var second = await _backend.WaitForRequestAsync(a => a.Status == ApprovalStatus.Pending && a.Id != first.Id);

        await _backend.ApproveAsync(first.Id, "alice");
        await _backend.ApproveAsync(second.Id, "alice");
        await Task.WhenAll(one, two);

        Assert.Equal(2, _runs);
        Assert.Equal(2, _backend.ClaimCount);
    }

    [Fact]
    public async Task The_stored_entry_holds_neither_the_arguments_nor_the_action_hash_in_clear()
    {
        var first = await LoseAgentWhileWaitingAsync(Export("customers-of-acme", 12));

        var text = File.ReadAllText(Assert.Single(EntryFiles()));
        var hash = _backend.Requests.Single().Request.ActionHash!;
        Assert.DoesNotContain("customers-of-acme", text, StringComparison.Ordinal);
        Assert.DoesNotContain(hash["sha256:".Length..], text, StringComparison.Ordinal);
        Assert.Contains(first.Id, text, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Assert.Single(EntryFiles())));
        }
    }

    [Fact]
    public async Task A_call_that_ends_removes_its_entry_and_a_timed_out_one_is_withdrawn_and_removed()
    {
        var agent = StartAgent(out _);
        var call = RunAsync(agent, Export("customers", 12));
        var first = await _backend.WaitForRequestAsync();
        await WaitForEntryAsync();
        Assert.Single(EntryFiles());
        await _backend.ApproveAsync(first.Id, "alice");
        await call;
        Assert.Empty(EntryFiles());

        var timedOut = RunAsync(agent, Export("customers", 12, timeout: TimeSpan.FromMilliseconds(300)));
        await Assert.ThrowsAsync<ApprovalTimeoutException>(() => timedOut);
        Assert.Empty(EntryFiles());
        Assert.Equal(ApprovalStatus.Cancelled, _backend.Approvals[^1].Status);
    }

    [Fact]
    public async Task A_store_that_fails_never_fails_the_call_which_asks_anew()
    {
        var services = new ServiceCollection();
        services.AddActionGuard(o => o.AgentId = "agent")
            .UseInMemoryBackend(_backend)
            .AddPendingApprovals<BrokenStore>(o => o.Key = new byte[PendingApprovalOptions.KeyLength]);
        var agent = Track(services.BuildServiceProvider());

        var call = RunAsync(agent, Export("customers", 12));
        var first = await _backend.WaitForRequestAsync();
        await _backend.ApproveAsync(first.Id, "alice");
        await call;

        Assert.Equal(1, _runs);
        Assert.True(BrokenStore.Calls >= 2);
    }

    private async Task<Approval> LoseAgentWhileWaitingAsync(GuardedAction action)
    {
        var first = StartAgent(out var wire);
        var call = RunAsync(first, action);
        var request = await _backend.WaitForRequestAsync();
        await WaitForEntryAsync();
        wire.Sever();
        await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => call);
        Assert.Equal(ApprovalStatus.Pending, _backend.GetApproval(request.Id).Status);
        Assert.Single(EntryFiles());
        return request;
    }

    private async Task WaitForEntryAsync()
    {
        // The entry is saved right after the create returns; the request is visible on the backend a moment before.
        for (var i = 0; i < 200 && EntryFiles().Length == 0; i++)
        {
            await Task.Delay(25);
        }

        Assert.NotEmpty(EntryFiles());
    }

    private ServiceProvider StartAgent(out SeverableApprovalClient wire, Action<PendingApprovalOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddActionGuard(o =>
            {
                o.AgentId = "agent";
                o.LongPollWait = TimeSpan.FromSeconds(1);
            })
            .UseInMemoryBackend(_backend)
            .AddPendingApprovals(o =>
            {
                o.Directory = _directory;
                configure?.Invoke(o);
            });
        var severable = new SeverableApprovalClient(_backend.CreateClient("agent"));
        services.Replace(ServiceDescriptor.Singleton<ApprovalClient>(severable));
        wire = severable;
        return Track(services.BuildServiceProvider());
    }

    private ServiceProvider Track(ServiceProvider provider)
    {
        _agents.Add(provider);
        return provider;
    }

    // Waits for the outcome, which the agent reports in the background, so the tests read the backend's final state.
    private static async Task RunAsync(IServiceProvider agent, GuardedAction action, Action run)
    {
        try
        {
            await agent.GetRequiredService<IActionGuard>().ExecuteAsync(action, _ =>
            {
                run();
                return ValueTask.CompletedTask;
            });
        }
        finally
        {
            await agent.GetRequiredService<ActionGuard.Guarding.OutcomeReporter>().FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private Task RunAsync(IServiceProvider agent, GuardedAction action) => RunAsync(agent, action, () => Interlocked.Increment(ref _runs));

    private string[] EntryFiles() =>
        Directory.Exists(_directory) ? Directory.GetFiles(_directory, "*.pending.json") : [];

    private static GuardedAction Export(string table, long rows, ApprovalParty? initiator = null, TimeSpan? timeout = null) =>
        new(ActionKind.DataExport, "Exporter.Export")
        {
            Resource = "db://" + table,
            Arguments = [new("table", table), new("rows", rows)],
            Initiator = initiator ?? Dana,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };

    private sealed class BrokenStore : IPendingApprovalStore
    {
        public static int Calls;

        public ValueTask<IReadOnlyList<PendingApprovalEntry>> FindAsync(string fingerprint, CancellationToken cancellationToken = default) =>
            Fail<IReadOnlyList<PendingApprovalEntry>>();

        public ValueTask SaveAsync(PendingApprovalEntry entry, CancellationToken cancellationToken = default) => new(Fail<bool>().AsTask());

        public ValueTask RemoveAsync(string fingerprint, string approvalId, CancellationToken cancellationToken = default) => new(Fail<bool>().AsTask());

        private static ValueTask<T> Fail<T>()
        {
            Interlocked.Increment(ref Calls);
            return ValueTask.FromException<T>(new IOException("disk gone"));
        }
    }
}
