using System.Text.Json;
using ActionGuard.Utils;

namespace ActionGuard.Policy;

/// <summary>What a policy is evaluated against: the action as the evaluating side knows it.</summary>
internal sealed class PolicyFacts
{
    private const int MaxArgumentDepth = 8;

    /// <summary>Gets the action kind, for example <c>data_export</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Gets the action name.</summary>
    public required string ActionName { get; init; }

    /// <summary>Gets the resource, if any.</summary>
    public string? Resource { get; init; }

    /// <summary>Gets the destination, if any.</summary>
    public string? Destination { get; init; }

    /// <summary>Gets the environment, if any.</summary>
    public string? Environment { get; init; }

    /// <summary>Gets the agent id, if known.</summary>
    public string? Agent { get; init; }

    /// <summary>Gets the initiator's subject, if any.</summary>
    public string? Initiator { get; init; }

    /// <summary>Gets the data classes present and their counts; a class not listed counts 0.</summary>
    public IReadOnlyDictionary<string, long> DataClasses { get; init; } = new Dictionary<string, long>();

    /// <summary>
    /// Gets the numeric arguments known to this side, by path (<c>rows</c>, <c>options.limit</c>). A path not listed is
    /// unknown: the argument is absent, not a number, or was masked before it reached this side.
    /// </summary>
    public IReadOnlyDictionary<string, decimal> Arguments { get; init; } = new Dictionary<string, decimal>();

    /// <summary>
    /// Builds the facts of an action — the one place they are built, for the SDK's local policy, the server and
    /// <c>actionguard policy</c>.
    /// </summary>
    /// <param name="kind">The action's kind.</param>
    /// <param name="name">The action's name.</param>
    /// <param name="resource">The resource it acts on.</param>
    /// <param name="destination">Where data goes.</param>
    /// <param name="environment">The environment: the action's own, else the configured default.</param>
    /// <param name="agentId">The agent.</param>
    /// <param name="initiator">The initiator; rules match its subject.</param>
    /// <param name="dataClasses">Counts per data class.</param>
    /// <param name="arguments">Numeric arguments by dotted path (see <see cref="NumericArguments"/>).</param>
    /// <returns>The facts.</returns>
    public static PolicyFacts For(
        string kind,
        string name,
        string? resource,
        string? destination,
        string? environment,
        string? agentId,
        ApprovalParty? initiator,
        IReadOnlyDictionary<string, long>? dataClasses,
        IReadOnlyDictionary<string, decimal>? arguments)
    {
        Guard.NotNull(kind);
        Guard.NotNull(name);
        return new PolicyFacts
        {
            Kind = kind,
            ActionName = name,
            Resource = resource,
            Destination = destination,
            Environment = environment,
            Agent = agentId,
            Initiator = initiator?.Subject,
            DataClasses = dataClasses ?? new Dictionary<string, long>(),
            Arguments = arguments ?? new Dictionary<string, decimal>(),
        };
    }

    /// <summary>
    /// Collects the JSON numbers in <paramref name="arguments"/> by dotted path (objects only; array items and strings,
    /// including masked values such as <c>"[sensitive]"</c>, are not numbers and stay unknown).
    /// </summary>
    /// <param name="arguments">Arguments by name, as sent on the wire.</param>
    /// <returns>Numbers by path.</returns>
    public static IReadOnlyDictionary<string, decimal> NumericArguments(IReadOnlyDictionary<string, JsonElement> arguments)
    {
        Guard.NotNull(arguments);
        var numbers = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (name, value) in arguments)
        {
            Collect(numbers, name, value, 1);
        }

        return numbers;
    }

    internal static void Collect(Dictionary<string, decimal> numbers, string path, JsonElement value, int depth)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetDecimal(out var number):
                numbers[path] = number;
                break;
            case JsonValueKind.Object when depth < MaxArgumentDepth:
                foreach (var property in value.EnumerateObject())
                {
                    Collect(numbers, path + "." + property.Name, property.Value, depth + 1);
                }

                break;
        }
    }
}
