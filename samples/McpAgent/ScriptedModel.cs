using Microsoft.Extensions.AI;

namespace McpAgent;

/// <summary>
/// A deterministic stand-in for a model: it asks for the three tool calls in one turn, then sums up what the tools
/// answered. Swap in any <see cref="IChatClient"/> (OpenAI, Ollama) and nothing else changes.
/// </summary>
public sealed class ScriptedModel : IChatClient
{
    private int _turn;

    /// <inheritdoc/>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _turn) == 1)
        {
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant,
            [
                new TextContent("The auditor asked for the Q3 report; the old finance folder can go."),
                new FunctionCallContent("call-1", "list_files", new Dictionary<string, object?> { ["folder"] = "/finance" }),
                new FunctionCallContent("call-2", "share_file", new Dictionary<string, object?> { ["path"] = "/finance/q3-report.pdf", ["recipient"] = "auditor@partner.example" }),
                new FunctionCallContent("call-3", "delete_folder", new Dictionary<string, object?> { ["folder"] = "/finance" }),
            ])));
        }

        var results = messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>()
            .Select(r => $"{r.CallId}: {r.Result}");
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Summary — " + string.Join(" | ", results))));
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The scripted model answers whole responses only.");

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
