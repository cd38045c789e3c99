namespace ActionGuard.Classification;

/// <summary>
/// Finds personal data and secrets in what an action carries: emails, phone numbers, payment cards, IBANs, national
/// IDs, IP addresses, cloud keys and tokens, private keys, JWTs and high-entropy secrets.
/// </summary>
/// <remarks>Implementations are thread-safe. Results never contain raw values, only counts and masked samples.</remarks>
public interface IDataClassifier
{
    /// <summary>Classifies text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="format">How to read it.</param>
    /// <returns>What was found.</returns>
    DataClassificationResult Classify(string text, DataFormat format = DataFormat.Text);

    /// <summary>Classifies lines of text, each read on its own.</summary>
    /// <param name="lines">The lines.</param>
    /// <returns>What was found.</returns>
    DataClassificationResult ClassifyLines(IEnumerable<string> lines);

    /// <summary>Classifies rows; each column name is context for its value (a 9-digit value under <c>bsn</c> is checked as a BSN).</summary>
    /// <param name="rows">The rows, column name to value. Strings are read as text; numbers by their invariant form; other values by <see cref="object.ToString"/>.</param>
    /// <returns>What was found.</returns>
    DataClassificationResult ClassifyRows(IEnumerable<IReadOnlyDictionary<string, object?>> rows);

    /// <summary>Classifies a UTF-8 stream from its current position to its end, in chunks, in bounded memory.</summary>
    /// <param name="utf8">The stream; read, not disposed.</param>
    /// <param name="format">How to read it.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>What was found.</returns>
    ValueTask<DataClassificationResult> ClassifyAsync(Stream utf8, DataFormat format = DataFormat.Text, CancellationToken cancellationToken = default);
}
