using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace ActionGuard.AI;

/// <summary>Configures ActionGuard on a Microsoft Agent Framework agent.</summary>
public sealed class ActionGuardAgentOptions
{
    /// <summary>Gets the options of the guarded chat client each run gets: which tools are guarded, and how.</summary>
    public ActionGuardChatClientOptions ChatClient { get; } = new();

    /// <summary>
    /// Gets or sets who the agent acts for in a run, from the run's messages, session and options. It becomes
    /// <see cref="ActionInitiator.Current"/> for the run, so no approver can be that person. <see langword="null"/> (the
    /// default) reads <see cref="InitiatorProperty"/> from <see cref="AgentRunOptions.AdditionalProperties"/>, then
    /// keeps the ambient initiator.
    /// </summary>
    public Func<IEnumerable<ChatMessage>, AgentSession?, AgentRunOptions?, ApprovalParty?>? Initiator { get; set; }

    /// <summary>The key of <see cref="AgentRunOptions.AdditionalProperties"/> that carries the run's <see cref="ApprovalParty"/>.</summary>
    public const string InitiatorProperty = "actionguard.initiator";
}
