using ActionGuard.AI;
using ActionGuard.Utils;

namespace Microsoft.Extensions.AI;

/// <summary>Adds ActionGuard to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class ActionGuardChatClientBuilderExtensions
{
    /// <summary>
    /// Guards the tools that need approval — methods with <see cref="ActionGuard.RequiresApprovalAttribute"/>,
    /// <see cref="ApprovalRequiredAIFunction"/>s, and tools named in <paramref name="configure"/> — on the ActionGuard
    /// backend. Call it before <c>UseFunctionInvocation()</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Names further tools to guard and tunes the defaults.</param>
    /// <returns>The builder.</returns>
    /// <example>
    /// <code>
    /// IChatClient client = new ChatClientBuilder(model)
    ///     .UseActionGuard()
    ///     .UseFunctionInvocation()
    ///     .Build(services);
    /// </code>
    /// </example>
    public static ChatClientBuilder UseActionGuard(this ChatClientBuilder builder, Action<ActionGuardChatClientOptions>? configure = null)
    {
        Guard.NotNull(builder);
        var options = new ActionGuardChatClientOptions();
        configure?.Invoke(options);
        return builder.Use(inner => new ActionGuardChatClient(inner, options));
    }
}
