namespace ActionGuard.Classification;

/// <summary>What <see cref="DataMasker"/> does with a value of one class.</summary>
public enum MaskingMode
{
    /// <summary>Replace it with a partial mask that keeps its kind recognisable: <c>j***@example.com</c>, <c>**** **** **** 4242</c>.</summary>
    Mask = 0,

    /// <summary>
    /// Replace it with <c>&lt;class&gt;:&lt;token&gt;</c>, the token being a keyed HMAC-SHA256 of the normalized value:
    /// the same value and key always give the same token, so masked data sets can still be joined.
    /// </summary>
    Hash = 1,

    /// <summary>Remove it.</summary>
    Drop = 2,

    /// <summary>Leave it as it is.</summary>
    Keep = 3,
}
