using System.Text;
using System.Text.Json;
using ActionGuard.Hashing;

namespace ActionGuard.Classification;

/// <summary>
/// Classifies what a guarded action carries, for its approval request: arguments marked
/// <see cref="PayloadAttribute"/>, and any <see cref="Stream"/>, <see cref="IEnumerable{T}"/> of strings or of rows.
/// </summary>
internal static class PayloadClassification
{
    /// <summary>Classifies the payload arguments; <see langword="null"/> when there are none.</summary>
    /// <remarks>
    /// A stream is read only when it is seekable, and its position is restored, so the operation still sees all of
    /// it; a forward-only stream is left alone (pass the data in another form, or mark a seekable copy as the payload).
    /// A [Sensitive] payload contributes counts but no samples.
    /// </remarks>
    public static async ValueTask<DataClassificationResult?> ClassifyAsync(
        IDataClassifier classifier,
        IReadOnlyList<ActionArgument> arguments,
        JsonSerializerOptions? serializerOptions,
        CancellationToken cancellationToken)
    {
        ClassificationAccumulator? accumulator = null;
        for (int i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            var result = argument.Value switch
            {
                Stream stream => await ClassifyStreamAsync(classifier, stream, cancellationToken).ConfigureAwait(false),
                IEnumerable<IReadOnlyDictionary<string, object?>> rows => classifier.ClassifyRows(rows),
                string text => argument.IsPayload ? classifier.Classify(text) : null,
                IEnumerable<string> lines => classifier.ClassifyLines(lines),
                byte[] bytes when argument.IsPayload => classifier.Classify(Encoding.UTF8.GetString(bytes)),
                ReadOnlyMemory<byte> memory when argument.IsPayload => classifier.Classify(Encoding.UTF8.GetString(memory.Span)),
                { } other when argument.IsPayload => classifier.Classify(
                    ArgumentValueWriter.ToElement(other, serializerOptions).GetRawText(),
                    DataFormat.JsonLines),
                _ => null,
            };

            if (result is null)
            {
                continue;
            }

            accumulator ??= new ClassificationAccumulator(int.MaxValue);
            accumulator.Add(result, keepSamples: !argument.IsSensitive);
        }

        return accumulator?.ToResult();
    }

    /// <summary>
    /// Merges the redactor's counts with the payload's. The larger count wins per class: both may have counted the
    /// same secret (the redactor scans every string argument), so a sum would double it.
    /// </summary>
    public static IReadOnlyDictionary<string, long> Merge(IReadOnlyDictionary<string, long> redacted, DataClassificationResult? payload)
    {
        if (payload is null || payload.IsEmpty)
        {
            return redacted;
        }

        var merged = new Dictionary<string, long>(redacted, StringComparer.Ordinal);
        foreach (var (dataClass, count) in payload.Counts)
        {
            merged[dataClass] = Math.Max(merged.GetValueOrDefault(dataClass), count);
        }

        return merged;
    }

    private static async ValueTask<DataClassificationResult?> ClassifyStreamAsync(IDataClassifier classifier, Stream stream, CancellationToken cancellationToken)
    {
        if (!stream.CanSeek || !stream.CanRead)
        {
            return null;
        }

        long position = stream.Position;
        try
        {
            return await classifier.ClassifyAsync(stream, DataFormat.Text, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            stream.Position = position;
        }
    }
}
