namespace ActionGuard.Classification;

/// <summary>Options for <see cref="DataMasker"/>.</summary>
public sealed class DataMaskerOptions
{
    /// <summary>Gets or sets the mode for classes without an entry in <see cref="Modes"/>. Defaults to <see cref="MaskingMode.Mask"/>.</summary>
    public MaskingMode DefaultMode { get; set; } = MaskingMode.Mask;

    /// <summary>
    /// Gets the mode per class name (see <see cref="DataClassNames"/>). The key <c>secret.*</c> applies to every
    /// secret class without its own entry.
    /// </summary>
    public IDictionary<string, MaskingMode> Modes { get; } = new Dictionary<string, MaskingMode>(StringComparer.Ordinal);

    /// <summary>Gets or sets the HMAC key for <see cref="MaskingMode.Hash"/>; required when any class hashes. Keep it secret: with it, tokens of guessable values can be reversed by trial.</summary>
#pragma warning disable CA1819 // A key is bytes; a copy is taken when the masker is built.
    public byte[]? HashKey { get; set; }
#pragma warning restore CA1819
}
