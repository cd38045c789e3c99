using ActionGuard.AI.Tests.TestSupport;
using ActionGuard.Testing;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace ActionGuard.AI.Tests.Agents;

public sealed class ActionGuardAgentTests
{
    private static readonly Dictionary<string, object?> GrantCall = new() { ["user"] = "partner", ["role"] = "reader" };

    private static AIAgent Agent(AgentHarness harness, ScriptedChatClient model, Action<ActionGuardAgentOptions>? configure = null)
    {
        var inner = new ChatClientAgent(
            model,
            new ChatClientAgentOptions
            {
                Name = "support",
                ChatOptions = new ChatOptions { Tools = [AIFunctionFactory.Create(harness.Tools.GrantRole, "grant_role")] },
            },
            services: harness.Services);
        return inner.AsBuilder().UseActionGuard(configure).Build(harness.Services);
    }

    [Fact]
    public async Task Agent_tool_call_waits_for_a_person_and_the_initiator_comes_from_the_run()
    {
        using var harness = new AgentHarness();
        harness.Backend.RespondWith(ApprovalScript.Approve("alice@example.com"));
        var model = new ScriptedChatClient(
            _ => ScriptedChatClient.Call("Granting read access as requested.", new FunctionCallContent("c1", "grant_role", GrantCall)),
            _ => ScriptedChatClient.Say("Granted."));
        var agent = Agent(harness, model);

        var run = new ChatClientAgentRunOptions { AdditionalProperties = new() { [ActionGuardAgentOptions.InitiatorProperty] = AgentHarness.Dana } };
        var response = await agent.RunAsync("Give the partner read access", options: run);

        Assert.Equal(["grant reader to partner"], harness.Tools.Runs);
        var request = Assert.Single(harness.Backend.Requests).Request;
        Assert.Equal(ActionKind.PermissionChange, request.Action.Kind);
        Assert.Equal("dana", request.Initiator?.Subject);
        Assert.Equal("Granting read access as requested.", request.Justification);
        Assert.Contains("Granted.", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initiator_selector_names_who_the_agent_acts_for()
    {
        using var harness = new AgentHarness();
        harness.Backend.RespondWith(ApprovalScript.Deny("alice@example.com", "ask your manager"));
        var model = new ScriptedChatClient(
            _ => ScriptedChatClient.Call("", new FunctionCallContent("c1", "grant_role", GrantCall)),
            _ => ScriptedChatClient.Say("It was denied."));
        var agent = Agent(harness, model, o => o.Initiator = (_, _, _) => AgentHarness.Dana);

        await agent.RunAsync("Give the partner read access");

        Assert.Empty(harness.Tools.Runs);
        Assert.Equal("dana", Assert.Single(harness.Backend.Requests).Request.Initiator?.Subject);
        Assert.Contains("ask your manager", model.LastToolResults().Single().Result?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_agent_run_is_guarded()
    {
        using var harness = new AgentHarness();
        harness.Backend.RespondWith(ApprovalScript.Approve("alice@example.com"));
        var model = new ScriptedChatClient(
            _ => ScriptedChatClient.Call("", new FunctionCallContent("c1", "grant_role", GrantCall)),
            _ => ScriptedChatClient.Say("Granted."));
        var agent = Agent(harness, model);

        await foreach (var _ in agent.RunStreamingAsync("Give the partner read access"))
        {
        }

        Assert.Equal(["grant reader to partner"], harness.Tools.Runs);
        Assert.Single(harness.Backend.Claims);
    }

    [Fact]
    public async Task Agent_without_the_guard_would_run_the_tool_with_nobody_asked()
    {
        // The control for the tests above: the same agent and model without UseActionGuard runs the grant unasked,
        // so the request the guarded agent makes is the guard's doing.
        using var harness = new AgentHarness();
        var model = new ScriptedChatClient(
            _ => ScriptedChatClient.Call("", new FunctionCallContent("c1", "grant_role", GrantCall)),
            _ => ScriptedChatClient.Say("Granted."));
        var agent = new ChatClientAgent(
            model,
            new ChatClientAgentOptions { ChatOptions = new ChatOptions { Tools = [AIFunctionFactory.Create(harness.Tools.GrantRole, "grant_role")] } },
            services: harness.Services);

        await agent.RunAsync("Give the partner read access");

        Assert.Equal(["grant reader to partner"], harness.Tools.Runs);
        Assert.Empty(harness.Backend.Requests);
    }
}
