using System.Runtime.CompilerServices;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace ActionGuard.AI;

/// <summary>
/// An agent whose chat client gets <see cref="ActionGuardChatClient"/> on every run, with the run's initiator as
/// <see cref="ActionInitiator.Current"/> while it runs.
/// </summary>
internal sealed class ActionGuardAgent : DelegatingAIAgent
{
    private readonly ActionGuardAgentOptions _options;

    public ActionGuardAgent(AIAgent innerAgent, ActionGuardAgentOptions options)
        : base(innerAgent)
    {
        _options = options;
    }

    protected override async Task<AgentResponse> RunCoreAsync(
        IEnumerable<ChatMessage> messages, AgentSession? session = null, AgentRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var scope = BeginInitiator(messages, session, options);
        return await InnerAgent.RunAsync(messages, session, WithGuardedTools(options), cancellationToken).ConfigureAwait(false);
    }

    protected override async IAsyncEnumerable<AgentResponseUpdate> RunCoreStreamingAsync(
        IEnumerable<ChatMessage> messages,
        AgentSession? session = null,
        AgentRunOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var scope = BeginInitiator(messages, session, options);
        await foreach (var update in InnerAgent.RunStreamingAsync(messages, session, WithGuardedTools(options), cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private IDisposable? BeginInitiator(IEnumerable<ChatMessage> messages, AgentSession? session, AgentRunOptions? options)
    {
        var initiator = _options.Initiator is { } select
            ? select(messages, session, options)
            : options?.AdditionalProperties?.TryGetValue(ActionGuardAgentOptions.InitiatorProperty, out var value) == true ? value as ApprovalParty : null;
        return initiator is null ? null : ActionInitiator.Begin(initiator);
    }

    private ChatClientAgentRunOptions WithGuardedTools(AgentRunOptions? options)
    {
        ChatClientAgentRunOptions run = options switch
        {
            ChatClientAgentRunOptions chat => (ChatClientAgentRunOptions)chat.Clone(),
            null => new ChatClientAgentRunOptions(),
            _ => new ChatClientAgentRunOptions
            {
                ResponseFormat = options.ResponseFormat,
                AllowBackgroundResponses = options.AllowBackgroundResponses,
#pragma warning disable MEAI001 // Carried over unchanged so a resumed background run keeps its place.
                ContinuationToken = options.ContinuationToken,
#pragma warning restore MEAI001
                AdditionalProperties = options.AdditionalProperties,
            },
        };

        var original = run.ChatClientFactory;
        var tools = _options.ChatClient;
        run.ChatClientFactory = client =>
        {
            var inner = original is null ? client : original(client);
            return new ActionGuardChatClient(inner, tools);
        };
        return run;
    }
}
