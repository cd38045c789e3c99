using System.Globalization;
using System.Reflection;
using System.Text.Json;
using ActionGuard.Classification;
using Microsoft.Extensions.AI;

namespace ActionGuard.AI;

/// <summary>
/// Everything needed to turn one call of a tool into a <see cref="GuardedAction"/>, worked out once when the tool is
/// wrapped: kind, name, templates compiled against the tool's argument names, and which arguments are sensitive or
/// payload.
/// </summary>
internal sealed class ToolActionPlan
{
    private readonly Dictionary<string, int> _positions;
    private readonly bool[] _sensitive;
    private readonly bool[] _payload;
    private readonly ActionTemplate? _resource;
    private readonly ActionTemplate? _destination;
    private readonly ActionTemplate? _environment;

    private ToolActionPlan(
        ActionKind kind,
        string name,
        string[] argumentNames,
        bool[] sensitive,
        bool[] payload,
        ActionTemplate? resource,
        ActionTemplate? destination,
        ActionTemplate? environment,
        string? justification,
        TimeSpan? timeout)
    {
        Kind = kind;
        Name = name;
        ArgumentNames = argumentNames;
        _sensitive = sensitive;
        _payload = payload;
        _resource = resource;
        _destination = destination;
        _environment = environment;
        Justification = justification;
        Timeout = timeout;
        _positions = new Dictionary<string, int>(argumentNames.Length, StringComparer.Ordinal);
        for (var i = 0; i < argumentNames.Length; i++)
        {
            _positions[argumentNames[i]] = i;
        }
    }

    /// <summary>Gets the kind.</summary>
    public ActionKind Kind { get; }

    /// <summary>Gets the action name.</summary>
    public string Name { get; }

    /// <summary>Gets the arguments the tool declares, in schema order.</summary>
    public string[] ArgumentNames { get; }

    /// <summary>Gets the justification fixed by the attribute, if any.</summary>
    public string? Justification { get; }

    /// <summary>Gets how long to wait for a decision, or <see langword="null"/> for the configured default.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>Builds the plan for <paramref name="function"/>.</summary>
    /// <param name="function">The tool.</param>
    /// <param name="kind">The kind.</param>
    /// <param name="attribute">The <see cref="RequiresApprovalAttribute"/> on the underlying method, if any.</param>
    /// <param name="options">The options given when wrapping, which win over the attribute.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentException">A template or an argument name does not fit the tool; the message says which.</exception>
    public static ToolActionPlan Create(AIFunction function, ActionKind kind, RequiresApprovalAttribute? attribute, GuardedAIFunctionOptions options)
    {
        var method = function.UnderlyingMethod;
        var owner = $"The ActionGuard tool '{function.Name}'";
        var names = ReadArgumentNames(function);

        var sensitive = new HashSet<string>(options.SensitiveArguments, StringComparer.Ordinal);
        var payload = new HashSet<string>(options.PayloadArguments, StringComparer.Ordinal);
        if (method is not null)
        {
            foreach (var parameter in method.GetParameters())
            {
                var isSensitive = parameter.IsDefined(typeof(SensitiveAttribute), inherit: true);
                var isPayload = parameter.IsDefined(typeof(PayloadAttribute), inherit: true);
                if (!isSensitive && !isPayload)
                {
                    continue;
                }

                if (parameter.Name is not { } parameterName || (names.Count > 0 && !names.Contains(parameterName)))
                {
                    // Fail closed: a [Sensitive] value must never reach the request under a name nobody recognised.
                    throw new ArgumentException(
                        $"{owner}: parameter '{parameter.Name}' of {method.DeclaringType?.Name}.{method.Name} is marked " +
                        $"[{(isSensitive ? "Sensitive" : "Payload")}] but the tool's schema has no argument of that name " +
                        $"(its arguments are: {string.Join(", ", names)}). Keep the parameter's name in the schema.",
                        nameof(function));
                }

                if (isSensitive)
                {
                    sensitive.Add(parameterName);
                }

                if (isPayload)
                {
                    payload.Add(parameterName);
                }
            }
        }

        foreach (var listed in sensitive.Concat(payload))
        {
            if (names.Count > 0 && !names.Contains(listed))
            {
                throw new ArgumentException(
                    $"{owner}: '{listed}' is listed as a sensitive or payload argument, but the tool has no argument of " +
                    $"that name. Its arguments are: {string.Join(", ", names)}.",
                    nameof(options));
            }
        }

        var argumentNames = names.ToArray();
        var sensitiveFlags = argumentNames.Select(sensitive.Contains).ToArray();
        var payloadFlags = argumentNames.Select(payload.Contains).ToArray();

        // With the attribute, the name a decorated method would get (policies match on it); otherwise the tool's own.
        var name = options.Name ?? attribute?.Name
            ?? (attribute is not null && method?.DeclaringType is { } type ? $"{type.Name}.{method.Name}" : function.Name);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"{owner}: the action name is empty.", nameof(options));
        }

        TimeSpan? timeout = options.Timeout
            ?? (attribute is { TimeoutSeconds: > 0 } ? TimeSpan.FromSeconds(attribute.TimeoutSeconds) : null);
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{owner}: the timeout {t} must be positive."), nameof(options));
        }

        return new ToolActionPlan(
            kind,
            name,
            argumentNames,
            sensitiveFlags,
            payloadFlags,
            Parse(options.Resource ?? attribute?.Resource, "Resource", owner, argumentNames, sensitive),
            Parse(options.Destination ?? attribute?.Destination, "Destination", owner, argumentNames, sensitive),
            Parse(options.Environment ?? attribute?.Environment, "Environment", owner, argumentNames, sensitive),
            attribute?.Justification,
            timeout);
    }

    /// <summary>Returns the position of <paramref name="name"/> among the declared arguments, or -1.</summary>
    public int PositionOf(string name) => _positions.TryGetValue(name, out var position) ? position : -1;

    /// <summary>Returns whether the declared argument at <paramref name="position"/> is sensitive.</summary>
    public bool IsSensitive(int position) => position >= 0 && _sensitive[position];

    /// <summary>Returns whether the declared argument at <paramref name="position"/> is payload.</summary>
    public bool IsPayload(int position) => position >= 0 && _payload[position];

    /// <summary>Builds the action for one call from its snapshot.</summary>
    /// <param name="snapshot">The call's frozen arguments.</param>
    /// <param name="justification">What the model said when it asked for the call, already masked.</param>
    /// <returns>The action to approve.</returns>
    public GuardedAction CreateAction(ToolCallSnapshot snapshot, string? justification) =>
        new(Kind, Name)
        {
            Resource = _resource?.Format(snapshot.DeclaredValues),
            Destination = _destination?.Format(snapshot.DeclaredValues),
            Environment = _environment?.Format(snapshot.DeclaredValues),
            Justification = Combine(Justification, justification),
            Timeout = Timeout,
            Arguments = snapshot.Arguments,
        };

    private static string? Combine(string? fixedText, string? modelText) =>
        (fixedText, modelText) switch
        {
            (null, _) => modelText,
            (_, null) => fixedText,
            _ => fixedText + " — " + modelText,
        };

    private static ActionTemplate? Parse(string? template, string property, string owner, string[] names, HashSet<string> sensitive)
    {
        if (template is null)
        {
            return null;
        }

        return ActionTemplate.Parse(template, names, sensitive, $"{owner} ({property})");
    }

    private static List<string> ReadArgumentNames(AIFunction function)
    {
        var names = new List<string>();
        if (function.JsonSchema.ValueKind == JsonValueKind.Object
            && function.JsonSchema.TryGetProperty("properties", out var properties)
            && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                names.Add(property.Name);
            }
        }

        return names;
    }
}
