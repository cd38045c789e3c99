using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using ActionGuard.Utils;

namespace ActionGuard.Classification;

/// <summary>
/// Cleans data before a model sees it: every value the classifier finds is masked, replaced by a keyed hash, dropped
/// or kept, per class. Works on text and on rows.
/// </summary>
/// <remarks>Thread-safe. Hash tokens are <c>&lt;class&gt;:</c> and 22 base64url characters (the first 128 bits of the HMAC).</remarks>
public sealed class DataMasker
{
    private const string AnySecret = "secret.*";

    private readonly MaskingMode _defaultMode;
    private readonly Dictionary<string, MaskingMode> _modes;
    private readonly byte[]? _key;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">Modes and the hash key; read once here.</param>
    /// <exception cref="ArgumentException">A class hashes but no <see cref="DataMaskerOptions.HashKey"/> is set.</exception>
    public DataMasker(DataMaskerOptions options)
    {
        Guard.NotNull(options);
        _defaultMode = options.DefaultMode;
        _modes = new Dictionary<string, MaskingMode>(options.Modes, StringComparer.Ordinal);
        _key = options.HashKey is { Length: > 0 } key ? (byte[])key.Clone() : null;
        if (_key is null && (_defaultMode == MaskingMode.Hash || _modes.ContainsValue(MaskingMode.Hash)))
        {
            throw new ArgumentException("A class is set to MaskingMode.Hash but DataMaskerOptions.HashKey is not set.", nameof(options));
        }
    }

    /// <summary>Returns <paramref name="text"/> with every value found replaced per its class's mode.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The cleaned text, or the same instance when nothing was replaced.</returns>
    public string Mask(string text) => Mask(text, null);

    /// <summary>Returns a copy of <paramref name="row"/> with every text cell cleaned, each with its column name as context.</summary>
    /// <param name="row">The row.</param>
    /// <returns>The cleaned row. A cell whose whole value was dropped becomes <see langword="null"/>; a non-string cell in which something was found becomes a string.</returns>
    public IReadOnlyDictionary<string, object?> MaskRow(IReadOnlyDictionary<string, object?> row)
    {
        Guard.NotNull(row);
        var result = new Dictionary<string, object?>(row.Count, StringComparer.Ordinal);
        foreach (var (column, value) in row)
        {
            string? text = CellText.Of(value);
            if (string.IsNullOrEmpty(text))
            {
                result[column] = value;
                continue;
            }

            string masked = Mask(text, column);
            result[column] = ReferenceEquals(masked, text) ? value : (masked.Length == 0 ? null : masked);
        }

        return result;
    }

    /// <summary>Cleans each row, lazily.</summary>
    /// <param name="rows">The rows.</param>
    /// <returns>The cleaned rows.</returns>
    public IEnumerable<IReadOnlyDictionary<string, object?>> MaskRows(IEnumerable<IReadOnlyDictionary<string, object?>> rows)
    {
        Guard.NotNull(rows);
        return rows.Select(MaskRow);
    }

    private string Mask(string text, string? context)
    {
        Guard.NotNull(text);
        var collector = new Collector();
        new TextScanner(collector).Scan(text, context);
        if (collector.Spans.Count == 0)
        {
            return text;
        }

        collector.Spans.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var builder = new StringBuilder(text.Length);
        int position = 0;
        bool changed = false;
        foreach (var (dataClass, start, length) in collector.Spans)
        {
            if (start < position)
            {
                continue;
            }

            var mode = ModeOf(dataClass);
            if (mode == MaskingMode.Keep)
            {
                continue;
            }

            builder.Append(text, position, start - position);
            var value = text.AsSpan(start, length);
            switch (mode)
            {
                case MaskingMode.Mask:
                    builder.Append(SampleMasker.Mask(dataClass, value));
                    break;
                case MaskingMode.Hash:
                    builder.Append(dataClass).Append(':').Append(Hash(dataClass, value));
                    break;
            }

            position = start + length;
            changed = true;
        }

        if (!changed)
        {
            return text;
        }

        builder.Append(text, position, text.Length - position);
        return builder.ToString();
    }

    private MaskingMode ModeOf(string dataClass)
    {
        if (_modes.TryGetValue(dataClass, out var mode))
        {
            return mode;
        }

        return dataClass.StartsWith(DataClassNames.SecretPrefix, StringComparison.Ordinal) && _modes.TryGetValue(AnySecret, out mode) ? mode : _defaultMode;
    }

    private string Hash(string dataClass, ReadOnlySpan<char> value)
    {
        // Normalized so that formatting does not break joins: emails case-folded, numbers and IDs without separators.
        Span<char> normalized = value.Length <= 256 ? stackalloc char[value.Length] : new char[value.Length];
        int n = 0;
        foreach (char c in value)
        {
            if (dataClass == DataClassNames.Email)
            {
                normalized[n++] = char.ToLowerInvariant(c);
            }
            else if (dataClass.StartsWith(DataClassNames.SecretPrefix, StringComparison.Ordinal) || char.IsAsciiLetterOrDigit(c) || c == ':')
            {
                normalized[n++] = dataClass.StartsWith(DataClassNames.SecretPrefix, StringComparison.Ordinal) ? c : char.ToUpperInvariant(c);
            }
        }

        int byteCount = Encoding.UTF8.GetByteCount(normalized[..n]);
        Span<byte> bytes = byteCount <= 512 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(normalized[..n], bytes);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key!, bytes, mac);
        return Base64Url.EncodeToString(mac[..16]);
    }

    private sealed class Collector : IFindingSink
    {
        public List<(string DataClass, int Start, int Length)> Spans { get; } = [];

        public void Found(string dataClass, double confidence, ReadOnlySpan<char> text, int start, int length)
        {
            if (length > 0)
            {
                Spans.Add((dataClass, start, length));
            }
        }
    }
}
