using System.Text.Json;

namespace DataPreprocessingAgent.Review;

/// <summary>Prints what a reviewer sees of a pending request: who, what, which data, where to, and under which rule.</summary>
public static class ReviewCard
{
    /// <summary>Prints <paramref name="approval"/> (the protocol's approval JSON).</summary>
    public static void Print(StoryConsole console, JsonElement approval)
    {
        ArgumentNullException.ThrowIfNull(console);
        var action = approval.GetProperty("action");
        console.Line($"┌ {Text(approval, "id")}  {Text(action, "kind")} {Text(action, "name")}");
        console.Line($"│ initiator    {Text(approval.GetPropertyOrDefault("initiator"), "subject")} (via agent {Text(approval, "agentId")})");
        console.Line($"│ resource     {Text(action, "resource")}");
        console.Line($"│ destination  {Text(action, "destination")}");
        if (approval.GetPropertyOrDefault("arguments") is { ValueKind: JsonValueKind.Object } arguments)
        {
            console.Line($"│ arguments    {string.Join(", ", arguments.EnumerateObject().Select(a => $"{a.Name}={Compact(a.Value)}"))}");
        }

        if (approval.GetPropertyOrDefault("dataClasses") is { ValueKind: JsonValueKind.Object } classes && classes.EnumerateObject().Any())
        {
            console.Line($"│ data         {string.Join(", ", classes.EnumerateObject().Select(c => $"{c.Value.GetRawText()} {c.Name}"))}");
        }

        if (approval.GetPropertyOrDefault("dataSamples") is { ValueKind: JsonValueKind.Object } samples)
        {
            foreach (var sample in samples.EnumerateObject())
            {
                console.Line($"│ sample       {sample.Name}: {string.Join(", ", sample.Value.EnumerateArray().Select(s => s.GetString()))}");
            }
        }

        console.Line($"│ why          {Text(approval, "justification")}");
        if (approval.GetPropertyOrDefault("policy") is { ValueKind: JsonValueKind.Object } policy)
        {
            var groups = policy.GetPropertyOrDefault("approverGroups") is { ValueKind: JsonValueKind.Array } g && g.GetArrayLength() > 0
                ? " from " + string.Join(" or ", g.EnumerateArray().Select(x => x.GetString()))
                : string.Empty;
            console.Line($"└ policy       rule '{Text(policy, "rule")}': {Text(policy, "minApprovals")} approval(s){groups}");
        }
        else
        {
            console.Line("└");
        }
    }

    internal static JsonElement GetPropertyOrDefault(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    internal static string Text(JsonElement element, string name) =>
        element.GetPropertyOrDefault(name) switch
        {
            { ValueKind: JsonValueKind.String } s => s.GetString()!,
            { ValueKind: JsonValueKind.Undefined or JsonValueKind.Null } => "-",
            var other => other.GetRawText(),
        };

    private static string Compact(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}
