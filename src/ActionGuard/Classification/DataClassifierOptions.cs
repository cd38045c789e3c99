namespace ActionGuard.Classification;

/// <summary>Options for <see cref="DataClassifier"/>.</summary>
public sealed class DataClassifierOptions
{
    /// <summary>Gets or sets how many distinct masked samples to keep per class. Defaults to 3; 0 keeps none.</summary>
    public int MaxSamplesPerClass { get; set; } = 3;

    /// <summary>
    /// Gets or sets the longest run of text without a line break that a stream scan holds at once, in characters.
    /// Defaults to 65,536. A longer line is cut at its last whitespace (or, without one, hard), so memory stays bounded.
    /// </summary>
    public int MaxLineLength { get; set; } = 65_536;
}
