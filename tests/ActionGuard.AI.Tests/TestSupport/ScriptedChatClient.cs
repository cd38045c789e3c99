using Microsoft.Extensions.AI;

namespace ActionGuard.AI.Tests.TestSupport;

/// <summary>
/// A deterministic model: each turn answers with the next scripted message, and records what it was sent (the tools
/// it was offered and the tool results it read).
/// </summary>
internal sealed class ScriptedChatClient(params Func<IReadOnlyList<ChatMessage>, ChatMessage>[] turns) : IChatClient
{
    private readonly Lock _gate = new();
    private int _turn;

    public List<(List<ChatMessage> Messages, ChatOptions? Options)> Calls { get; } = [];

    public static ChatMessage Call(string text, params FunctionCallContent[] calls)
    {
        var message = new ChatMessage(ChatRole.Assistant, [.. (text.Length > 0 ? [new TextContent(text)] : Array.Empty<AIContent>()), .. calls]);
        return message;
    }

    public static ChatMessage Say(string text) => new(ChatRole.Assistant, text);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        Func<IReadOnlyList<ChatMessage>, ChatMessage> next;
        lock (_gate)
        {
            Calls.Add((list, options));
            next = _turn < turns.Length ? turns[_turn++] : static _ => Say("done");
        }

        return Task.FromResult(new ChatResponse(next(list)));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    /// <summary>The tool results the model was shown in its last call.</summary>
    public IReadOnlyList<FunctionResultContent> LastToolResults() =>
        Calls[^1].Messages.SelectMany(static m => m.Contents).OfType<FunctionResultContent>().ToList();
}
