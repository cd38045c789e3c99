using System.Collections.ObjectModel;

namespace ActionGuard.Classification;

/// <summary>What a classification found: each class with its count, confidence and masked samples.</summary>
public sealed class DataClassificationResult
{
    internal DataClassificationResult(IReadOnlyList<DataClassFinding> findings, long charactersScanned)
    {
        Findings = findings;
        CharactersScanned = charactersScanned;
        var counts = new Dictionary<string, long>(findings.Count, StringComparer.Ordinal);
        var samples = new Dictionary<string, IReadOnlyList<string>>(findings.Count, StringComparer.Ordinal);
        foreach (var finding in findings)
        {
            counts[finding.DataClass] = finding.Count;
            if (finding.Samples.Count > 0)
            {
                samples[finding.DataClass] = finding.Samples;
            }
        }

        Counts = new ReadOnlyDictionary<string, long>(counts);
        Samples = new ReadOnlyDictionary<string, IReadOnlyList<string>>(samples);
    }

    /// <summary>Gets a result that found nothing.</summary>
    public static DataClassificationResult Empty { get; } = new([], 0);

    /// <summary>Gets each class found, ordered by class name.</summary>
    public IReadOnlyList<DataClassFinding> Findings { get; }

    /// <summary>Gets the count per class, for example <c>email: 1204</c>, <c>payment_card: 3</c>.</summary>
    public IReadOnlyDictionary<string, long> Counts { get; }

    /// <summary>Gets the masked samples per class; classes without samples are absent.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Samples { get; }

    /// <summary>Gets how many characters were read.</summary>
    public long CharactersScanned { get; }

    /// <summary>Gets whether anything was found.</summary>
    public bool IsEmpty => Findings.Count == 0;

    /// <summary>Gets the count for <paramref name="dataClass"/>, or 0.</summary>
    /// <param name="dataClass">The class name.</param>
    /// <returns>How many values of the class were found.</returns>
    public long CountOf(string dataClass) => Counts.GetValueOrDefault(dataClass);
}
