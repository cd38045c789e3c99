using Microsoft.Extensions.AI;

namespace DataPreprocessingAgent.Agent;

/// <summary>
/// A deterministic stand-in for a model, so the main command runs offline and checks itself: it asks for the export and
/// the grant in one turn, then sums up what the tools answered. <c>--model URL</c> uses a real one instead.
/// </summary>
public sealed class ScriptedModel(string bucket, string key, string partner) : IChatClient
{
    /// <summary>What the model says next to its calls; it becomes the requests' justification.</summary>
    public const string Reason = "The partner asked for the unmasked customer file to debug their import, and to fetch it themselves.";

    /// <inheritdoc/>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var results = messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToList();
        if (results.Count == 0)
        {
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant,
            [
                new TextContent(Reason),
                new FunctionCallContent("call-export", AgentTools.ExportTool, new Dictionary<string, object?>
                {
                    ["fileName"] = CustomerFile.FileName,
                    ["bucket"] = bucket,
                    ["key"] = key,
                }),
                new FunctionCallContent("call-grant", AgentTools.GrantTool, new Dictionary<string, object?>
                {
                    ["bucket"] = bucket,
                    ["partner"] = partner,
                }),
            ])));
        }

        var summary = string.Join(" ", results.Select(r => r.Result?.ToString()));
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Done what I was allowed to. " + summary)));
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
