namespace ActionGuard.Classification;

/// <summary>What one segment of a stream tells the scan of the next.</summary>
internal sealed class ScanState
{
    /// <summary>Gets or sets whether a private key's BEGIN line was seen and its END line not yet: its body is not a high-entropy secret of its own.</summary>
    public bool InPrivateKey { get; set; }
}
