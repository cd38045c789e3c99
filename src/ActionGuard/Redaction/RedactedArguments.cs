using System.Collections.ObjectModel;
using System.Text.Json;

namespace ActionGuard.Redaction;

/// <summary>The arguments as they may leave the process, and the classes of data found while redacting them.</summary>
/// <remarks>A struct: it only carries its two maps from the redactor to the request, once per guarded call.</remarks>
internal readonly struct RedactedArguments
{
    internal static readonly IReadOnlyDictionary<string, long> NoDataClasses = ReadOnlyDictionary<string, long>.Empty;

    internal RedactedArguments(IReadOnlyDictionary<string, JsonElement> arguments, IReadOnlyDictionary<string, long> dataClasses)
    {
        Arguments = arguments;
        DataClasses = dataClasses;
    }

    /// <summary>Gets each argument name with its redacted value.</summary>
    public IReadOnlyDictionary<string, JsonElement> Arguments { get; }

    /// <summary>Gets how many values of each class were masked: <c>sensitive</c>, <c>secret.jwt</c>, ….</summary>
    public IReadOnlyDictionary<string, long> DataClasses { get; }
}
