namespace ActionGuard.Classification;

/// <summary>Receives each value the scanner finds.</summary>
internal interface IFindingSink
{
    /// <summary>Called once per value, in no particular order.</summary>
    /// <param name="dataClass">The class.</param>
    /// <param name="confidence">From 0 to 1.</param>
    /// <param name="text">The text that was scanned.</param>
    /// <param name="start">Where the value starts in <paramref name="text"/>.</param>
    /// <param name="length">The value's length.</param>
    void Found(string dataClass, double confidence, ReadOnlySpan<char> text, int start, int length);
}
