using ActionGuard.AI.Tests.TestSupport;
using ActionGuard.Client;
using ActionGuard.Testing;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace ActionGuard.AI.Tests.Agents;

// An Agent Framework agent whose session is kept between runs. Its first run waits for a person on a guarded tool call
// and loses the backend (the process dies, the network goes); a new agent restored from the serialised session is asked
// again, and the same tool call adopts the request already waiting: the person decides once and the tool runs once.
public sealed class AgentRestartTests : IDisposable
{
    private static readonly Dictionary<string, object?> GrantCall = new() { ["user"] = "partner", ["role"] = "reader" };

    private readonly InMemoryApprovalBackend _backend = new();
    private readonly string _pending = Path.Combine(Path.GetTempPath(), "ag-ai-restart", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        _backend.Dispose();
        if (Directory.Exists(_pending))
        {
            Directory.Delete(_pending, recursive: true);
        }
    }

    [Fact]
    public async Task A_restored_session_resumes_the_tool_call_waiting_for_a_person_without_asking_twice()
    {
        JsonElementHolder saved;
        using (var before = new AgentHarness(o => o.LongPollWait = TimeSpan.FromSeconds(1), _backend, _pending))
        {
            var agent = Agent(before, new ScriptedChatClient(
                _ => ScriptedChatClient.Call("Granting read access as requested.", new FunctionCallContent("c1", "grant_role", GrantCall))));
            var session = await agent.CreateSessionAsync();
            var run = agent.RunAsync("Give the partner read access", session, Run());
            await _backend.WaitForRequestAsync();
            await WaitForEntryAsync();
            // The poll under way ends within a second; the next one finds the connection gone.
            before.Wire.Sever();

            // The loop stops on the fault; the tool's result says why it did not run.
            var failed = await run;
            var result = failed.Messages.SelectMany(static m => m.Contents).OfType<FunctionResultContent>().Single();
            Assert.IsType<ApprovalBackendUnavailableException>(result.Exception);
            Assert.Empty(before.Tools.Runs);
            saved = new(await agent.SerializeSessionAsync(session));
        }

        var request = Assert.Single(_backend.Approvals);
        Assert.Equal(ApprovalStatus.Pending, request.Status);

        using var after = new AgentHarness(o => o.LongPollWait = TimeSpan.FromSeconds(1), _backend, _pending);
        var model = new ScriptedChatClient(
            _ => ScriptedChatClient.Call("Granting read access as requested.", new FunctionCallContent("c1", "grant_role", GrantCall)),
            _ => ScriptedChatClient.Say("Granted."));
        var restored = Agent(after, model);
        var resumed = await restored.DeserializeSessionAsync(saved.Value);
        var again = restored.RunAsync("Give the partner read access", resumed, Run());
        await _backend.ApproveAsync(request.Id, "alice@example.com");
        var response = await again;
        await after.ShutDownAsync();

        Assert.Equal(["grant reader to partner"], after.Tools.Runs);
        Assert.Single(_backend.Requests, r => !r.IsReplay);
        Assert.Equal(OutcomeStatus.Succeeded, _backend.Outcomes[request.Id].Status);
        Assert.Contains("Granted.", response.Text, StringComparison.Ordinal);
    }

    private static AIAgent Agent(AgentHarness harness, ScriptedChatClient model) =>
        new ChatClientAgent(
            model,
            new ChatClientAgentOptions
            {
                Name = "support",
                ChatOptions = new ChatOptions { Tools = [AIFunctionFactory.Create(harness.Tools.GrantRole, "grant_role")] },
            },
            services: harness.Services)
        .AsBuilder().UseActionGuard().Build(harness.Services);

    private static ChatClientAgentRunOptions Run() =>
        new() { AdditionalProperties = new() { [ActionGuardAgentOptions.InitiatorProperty] = AgentHarness.Dana } };

    private async Task WaitForEntryAsync()
    {
        for (var i = 0; i < 200 && !(Directory.Exists(_pending) && Directory.GetFiles(_pending, "*.pending.json").Length > 0); i++)
        {
            await Task.Delay(25);
        }

        Assert.Single(Directory.GetFiles(_pending, "*.pending.json"));
    }

    private sealed record JsonElementHolder(System.Text.Json.JsonElement Value);
}
