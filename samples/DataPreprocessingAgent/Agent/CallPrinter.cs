using System.Text.Json;
using Microsoft.Extensions.AI;

namespace DataPreprocessingAgent.Agent;

/// <summary>Prints each tool call the model asks for, as it comes back from the model.</summary>
public sealed class CallPrinter(IChatClient model, Action<string> print) : DelegatingChatClient(model)
{
    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken);
        foreach (var call in response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>())
        {
            print($"→ {call.Name}({JsonSerializer.Serialize(call.Arguments)})");
        }

        return response;
    }
}
