using ActionGuard.Utils;

namespace ActionGuard.Classification;

/// <summary>
/// The default <see cref="IDataClassifier"/>: one linear pass of checksum- and context-gated detectors. See
/// <see cref="DataClassNames"/> for the classes it reports.
/// </summary>
/// <remarks>Thread-safe: every call scans with its own state.</remarks>
public sealed class DataClassifier : IDataClassifier
{
    private readonly int _maxSamples;
    private readonly int _maxLineLength;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">Options; read once here. <see langword="null"/> uses the defaults.</param>
    public DataClassifier(DataClassifierOptions? options = null)
    {
        options ??= new DataClassifierOptions();
        _maxSamples = Math.Max(0, options.MaxSamplesPerClass);
        _maxLineLength = Math.Max(1024, options.MaxLineLength);
    }

    /// <summary>Gets a shared instance with the default options.</summary>
    public static DataClassifier Default { get; } = new();

    /// <inheritdoc/>
    public DataClassificationResult Classify(string text, DataFormat format = DataFormat.Text)
    {
        Guard.NotNull(text);
        var accumulator = new ClassificationAccumulator(_maxSamples) { CharactersScanned = text.Length };
        var consumer = CreateConsumer(new TextScanner(accumulator), format);
        consumer.Feed(text);
        consumer.Complete();
        return accumulator.ToResult();
    }

    /// <inheritdoc/>
    public DataClassificationResult ClassifyLines(IEnumerable<string> lines)
    {
        Guard.NotNull(lines);
        var accumulator = new ClassificationAccumulator(_maxSamples);
        var scanner = new TextScanner(accumulator);
        foreach (string? line in lines)
        {
            if (line is not null)
            {
                scanner.Scan(line);
                accumulator.CharactersScanned += line.Length;
            }
        }

        return accumulator.ToResult();
    }

    /// <inheritdoc/>
    public DataClassificationResult ClassifyRows(IEnumerable<IReadOnlyDictionary<string, object?>> rows)
    {
        Guard.NotNull(rows);
        var accumulator = new ClassificationAccumulator(_maxSamples);
        ScanRows(rows, new TextScanner(accumulator), accumulator);
        return accumulator.ToResult();
    }

    /// <inheritdoc/>
    public async ValueTask<DataClassificationResult> ClassifyAsync(Stream utf8, DataFormat format = DataFormat.Text, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(utf8);
        var accumulator = new ClassificationAccumulator(_maxSamples);
        var consumer = CreateConsumer(new TextScanner(accumulator), format);
        accumulator.CharactersScanned = await StreamSegmenter.ReadAsync(utf8, consumer, _maxLineLength, cancellationToken).ConfigureAwait(false);
        return accumulator.ToResult();
    }

    internal static void ScanRows(IEnumerable<IReadOnlyDictionary<string, object?>> rows, TextScanner scanner, ClassificationAccumulator accumulator)
    {
        foreach (var row in rows)
        {
            if (row is null)
            {
                continue;
            }

            foreach (var (column, value) in row)
            {
                string? text = CellText.Of(value);
                if (!string.IsNullOrEmpty(text))
                {
                    scanner.Scan(text, column);
                    accumulator.CharactersScanned += text.Length;
                }
            }
        }
    }

    private ISegmentConsumer CreateConsumer(TextScanner scanner, DataFormat format) => format switch
    {
        DataFormat.Csv => new CsvConsumer(scanner, _maxLineLength),
        DataFormat.JsonLines => new JsonLinesConsumer(scanner),
        _ => new TextConsumer(scanner),
    };
}
