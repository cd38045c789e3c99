using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ActionGuard.AI;

/// <summary>
/// One call's arguments, frozen before anything is hashed: every value is turned into a detached
/// <see cref="JsonElement"/> once, the action hash covers exactly those elements, and the tool binds its parameters
/// from the same elements. Nothing the caller still holds can change what runs after the approval.
/// </summary>
internal sealed class ToolCallSnapshot
{
    private ToolCallSnapshot(AIFunctionArguments bound, object?[] declaredValues, ActionArgument[] arguments)
    {
        Bound = bound;
        DeclaredValues = declaredValues;
        Arguments = arguments;
    }

    /// <summary>Gets the arguments the tool runs with.</summary>
    public AIFunctionArguments Bound { get; }

    /// <summary>Gets the values of the declared arguments in schema order (<see langword="null"/> where absent), for templates.</summary>
    public object?[] DeclaredValues { get; }

    /// <summary>Gets the arguments of the action: declared ones in schema order, then any others by name.</summary>
    public ActionArgument[] Arguments { get; }

    /// <summary>Freezes <paramref name="arguments"/>.</summary>
    /// <param name="arguments">The call's arguments, as the model or the caller sent them.</param>
    /// <param name="plan">The tool's plan.</param>
    /// <param name="serializerOptions">The tool's serializer options, for values that are not JSON yet.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="ArgumentException">A value cannot be represented as JSON; the message names the argument.</exception>
    public static ToolCallSnapshot Take(AIFunctionArguments arguments, ToolActionPlan plan, JsonSerializerOptions serializerOptions)
    {
        var frozen = new Dictionary<string, object?>(arguments.Count, StringComparer.Ordinal);
        var declared = new object?[plan.ArgumentNames.Length];
        var extras = new List<string>();
        foreach (var (name, value) in arguments)
        {
            var element = Freeze(name, value, serializerOptions);
            frozen[name] = element;
            var position = plan.PositionOf(name);
            if (position >= 0)
            {
                declared[position] = ForAction(element);
            }
            else
            {
                extras.Add(name);
            }
        }

        extras.Sort(StringComparer.Ordinal);
        var actionArguments = new List<ActionArgument>(plan.ArgumentNames.Length + extras.Count);
        for (var i = 0; i < plan.ArgumentNames.Length; i++)
        {
            var name = plan.ArgumentNames[i];
            if (frozen.ContainsKey(name))
            {
                actionArguments.Add(new ActionArgument(name, declared[i], plan.IsSensitive(i)) { IsPayload = plan.IsPayload(i) });
            }
        }

        foreach (var name in extras)
        {
            actionArguments.Add(new ActionArgument(name, ForAction((JsonElement?)frozen[name])));
        }

        var bound = new AIFunctionArguments(frozen, StringComparer.Ordinal)
        {
            Services = arguments.Services,
            Context = arguments.Context,
        };
        return new ToolCallSnapshot(bound, declared, [.. actionArguments]);
    }

    private static JsonElement? Freeze(string name, object? value, JsonSerializerOptions options)
    {
        try
        {
            return value switch
            {
                null => null,
                JsonElement element => element.Clone(),
                _ => JsonSerializer.SerializeToElement(value, options.GetTypeInfo(value.GetType())),
            };
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException or ArgumentException)
        {
            throw new ArgumentException(
                $"Argument '{name}' ({value!.GetType().Name}) cannot be represented as JSON, so its value cannot be bound " +
                "to an approval; the tool did not run.",
                nameof(value),
                ex);
        }
    }

    // Strings go to the action as strings (the same canonical bytes as the JSON string, and what the redactor and the
    // classifier read best); everything else stays the frozen element.
    private static object? ForAction(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.String } text ? text.GetString() : element;
}
