namespace ActionGuard.Classification;

/// <summary>How the classifier reads text or a stream.</summary>
public enum DataFormat
{
    /// <summary>Free text: logs, documents, source code.</summary>
    Text = 0,

    /// <summary>Comma-separated values with a header row; each column name is context for its values.</summary>
    Csv = 1,

    /// <summary>One JSON value per line; each property name is context for its value. A line that is not JSON is read as text.</summary>
    JsonLines = 2,
}
