using System.Runtime.CompilerServices;
using ActionGuard.Utils;
using Microsoft.Extensions.AI;

namespace ActionGuard.AI;

/// <summary>
/// A chat client that hands the function-invoking client below it guarded tools: every tool that requires approval
/// (see <see cref="ActionGuardChatClientOptions"/>) is replaced by a <see cref="GuardedAIFunction"/>, so its calls wait
/// for a verified person on the ActionGuard backend instead of an unauthenticated approval message in the conversation.
/// </summary>
/// <remarks>
/// It must sit above a <see cref="FunctionInvokingChatClient"/> (call <c>UseActionGuard()</c> before
/// <c>UseFunctionInvocation()</c>): the function-invoking client runs the tools it is handed. With no function-invoking
/// client below, a request that carries tools needing approval fails closed with <see cref="InvalidOperationException"/>.
/// </remarks>
public sealed class ActionGuardChatClient : DelegatingChatClient
{
    private readonly ActionGuardChatClientOptions _options;
    private readonly ConditionalWeakTable<AIFunction, AIFunction> _guarded = [];
    private readonly bool _hasFunctionInvocation;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerClient">The client below, normally a <see cref="FunctionInvokingChatClient"/> pipeline.</param>
    /// <param name="options">Which tools to guard; <see langword="null"/> for the defaults.</param>
    public ActionGuardChatClient(IChatClient innerClient, ActionGuardChatClientOptions? options = null)
        : base(innerClient)
    {
        _options = options ?? new ActionGuardChatClientOptions();
        if (innerClient.GetService<FunctionInvokingChatClient>() is { } functions)
        {
            _hasFunctionInvocation = true;
            if (_options.ConcurrentApprovals)
            {
                functions.AllowConcurrentInvocation = true;
            }

            if (functions.AdditionalTools is { Count: > 0 } additional)
            {
                functions.AdditionalTools = GuardTools(additional) ?? additional;
            }
        }
    }

    /// <inheritdoc/>
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, GuardOptions(options), cancellationToken);

    /// <inheritdoc/>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, GuardOptions(options), cancellationToken);

    private ChatOptions? GuardOptions(ChatOptions? options)
    {
        if (options?.Tools is not { Count: > 0 } tools || GuardTools(tools) is not { } guarded)
        {
            return options;
        }

        if (!_hasFunctionInvocation)
        {
            throw new InvalidOperationException(
                "ActionGuard found tools that need approval, but no FunctionInvokingChatClient below it to run them " +
                "guarded. Call UseActionGuard() before UseFunctionInvocation() on the ChatClientBuilder. Nothing was sent.");
        }

        var copy = options.Clone();
        copy.Tools = guarded;
        return copy;
    }

    // Returns a new list when at least one tool had to be guarded, null when none did.
    private List<AITool>? GuardTools(IList<AITool> tools)
    {
        List<AITool>? result = null;
        for (var i = 0; i < tools.Count; i++)
        {
            var tool = tools[i];
            var replacement = tool is AIFunction function ? _guarded.GetValue(function, _options.Apply) : tool;
            if (result is null && !ReferenceEquals(replacement, tool))
            {
                result = new List<AITool>(tools.Count);
                for (var j = 0; j < i; j++)
                {
                    result.Add(tools[j]);
                }
            }

            result?.Add(replacement);
        }

        return result;
    }
}
