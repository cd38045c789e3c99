using ActionGuard.AI;
using ActionGuard.Utils;

namespace Microsoft.Agents.AI;

/// <summary>Adds ActionGuard to a Microsoft Agent Framework <see cref="AIAgentBuilder"/>.</summary>
public static class ActionGuardAgentBuilderExtensions
{
    /// <summary>
    /// Guards the agent's tools that need approval on the ActionGuard backend, with the run's initiator taken from the
    /// run (see <see cref="ActionGuardAgentOptions.Initiator"/>). The agent must run its tools through a
    /// <c>FunctionInvokingChatClient</c>, as a <see cref="ChatClientAgent"/> does.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Names further tools to guard, and how the initiator is found.</param>
    /// <returns>The builder.</returns>
    /// <example>
    /// <code>
    /// AIAgent agent = chatClient.AsAIAgent(instructions, tools: [export])
    ///     .AsBuilder()
    ///     .UseActionGuard()
    ///     .Build(services);
    /// </code>
    /// </example>
    public static AIAgentBuilder UseActionGuard(this AIAgentBuilder builder, Action<ActionGuardAgentOptions>? configure = null)
    {
        Guard.NotNull(builder);
        var options = new ActionGuardAgentOptions();
        configure?.Invoke(options);
        return builder.Use((inner, _) => new ActionGuardAgent(inner, options));
    }
}
