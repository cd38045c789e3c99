using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ActionGuard.Hashing;

/// <summary>
/// Turns an argument value into JSON, shared by the action hash (full values, canonical) and by redaction (which
/// applies its masks on top). Common CLR primitives are written directly; anything else goes through
/// System.Text.Json with the configured options.
/// </summary>
internal static class ArgumentValueWriter
{
    // 2^53: the largest magnitude below which every integer is exact in a double.
    private const long MaxExactInteger = 1L << 53;

    private const int ScratchBytes = 64;

    private const long PlainJsonIntegerLimit = 1_000_000_000_000_000;

    // Doubles at or beyond this round outside decimal's range (decimal.MaxValue as a double is 7.92281625142643e28).
    private const double DecimalRange = 7.9e28;

    /// <summary>Writes <paramref name="value"/> in full, as the action hash covers it.</summary>
    public static void Write(ref CanonicalJsonWriter writer, object? value, JsonSerializerOptions? options)
    {
        if (TryWriteScalar(ref writer, value))
        {
            return;
        }

        switch (value)
        {
            case string text:
                writer.WriteString(text);
                break;
            case Uri uri:
                writer.WriteString(uri.OriginalString);
                break;
            case byte[] bytes:
                writer.WriteBase64String(bytes);
                break;
            case ReadOnlyMemory<byte> memory:
                writer.WriteBase64String(memory.Span);
                break;
            case Memory<byte> memory:
                writer.WriteBase64String(memory.Span);
                break;
            case Stream stream:
                WriteStream(ref writer, stream);
                break;
            default:
                CanonicalJson.WriteElement(ref writer, ToElement(value!, options), exactNumbers: true);
                break;
        }
    }

    /// <summary>
    /// Writes values that carry no free text (so redaction has nothing to mask in them): null, booleans, numbers,
    /// characters, GUIDs, dates and times, durations and enum names. Returns <see langword="false"/> for anything else.
    /// </summary>
    public static bool TryWriteScalar(ref CanonicalJsonWriter writer, object? value)
    {
        Span<byte> scratch = stackalloc byte[ScratchBytes];
        int length;
        switch (value)
        {
            case null:
                writer.WriteNull();
                return true;
            case bool b:
                writer.WriteBoolean(b);
                return true;
            case int i:
                writer.WriteNumber(i);
                return true;
            case long l:
                WriteInteger(ref writer, l);
                return true;
            case short s:
                writer.WriteNumber(s);
                return true;
            case byte b:
                writer.WriteNumber(b);
                return true;
            case sbyte sb:
                writer.WriteNumber(sb);
                return true;
            case ushort us:
                writer.WriteNumber(us);
                return true;
            case uint ui:
                writer.WriteNumber(ui);
                return true;
            case ulong ul:
                if (ul <= MaxExactInteger)
                {
                    writer.WriteNumber((long)ul);
                }
                else
                {
                    WriteFormattedString(ref writer, ul, scratch);
                }

                return true;
            case nint ni:
                WriteInteger(ref writer, ni);
                return true;
            case nuint nu:
                if (nu <= MaxExactInteger)
                {
                    writer.WriteNumber((long)nu);
                }
                else
                {
                    WriteFormattedString(ref writer, (ulong)nu, scratch);
                }

                return true;
            case Int128 i128:
                if (i128 >= -MaxExactInteger && i128 <= MaxExactInteger)
                {
                    writer.WriteNumber((long)i128);
                }
                else
                {
                    WriteFormattedString(ref writer, i128, scratch);
                }

                return true;
            case UInt128 u128:
                if (u128 <= (ulong)MaxExactInteger)
                {
                    writer.WriteNumber((long)u128);
                }
                else
                {
                    WriteFormattedString(ref writer, u128, scratch);
                }

                return true;
            case BigInteger big:
                if (big >= -MaxExactInteger && big <= MaxExactInteger)
                {
                    writer.WriteNumber((long)big);
                }
                else
                {
                    // Rare and unbounded in size: a string allocation is acceptable here.
                    writer.WriteString(big.ToString(CultureInfo.InvariantCulture));
                }

                return true;
            case double d:
                WriteDouble(ref writer, d);
                return true;
            case float f:
                if (float.IsFinite(f))
                {
                    writer.WriteNumber(f);
                }
                else
                {
                    WriteDouble(ref writer, f);
                }

                return true;
            case decimal m:
                WriteDecimal(ref writer, m, scratch);
                return true;
            case char c:
                writer.WriteString(new ReadOnlySpan<char>(in c));
                return true;
            case Guid g:
                Format(g.TryFormat(scratch, out length, "D"));
                writer.WriteStringAscii(scratch[..length]);
                return true;
            case DateTime dt:
                Format(dt.TryFormat(scratch, out length, "O", CultureInfo.InvariantCulture));
                writer.WriteStringAscii(scratch[..length]);
                return true;
            case DateTimeOffset dto:
                Format(dto.TryFormat(scratch, out length, "O", CultureInfo.InvariantCulture));
                writer.WriteStringAscii(scratch[..length]);
                return true;
            case DateOnly date:
                Format(date.TryFormat(scratch, out length, "O", CultureInfo.InvariantCulture));
                writer.WriteStringAscii(scratch[..length]);
                return true;
            case TimeOnly time:
                Format(time.TryFormat(scratch, out length, "O", CultureInfo.InvariantCulture));
                writer.WriteStringAscii(scratch[..length]);
                return true;
            case TimeSpan span:
                Format(span.TryFormat(scratch, out length, "c", CultureInfo.InvariantCulture));
                writer.WriteStringAscii(scratch[..length]);
                return true;
            case Enum e:
                // Names of defined values are cached by the runtime; flag combinations read "A, B"; undefined values
                // fall back to their number, still as a string.
                writer.WriteString(e.ToString());
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Makes caller-supplied options usable for <see cref="ToElement"/>: options built with <c>new()</c> and no
    /// <see cref="JsonSerializerOptions.TypeInfoResolver"/> get the reflection resolver, as <c>JsonSerializer.Serialize</c>
    /// would give them, and become read-only.
    /// </summary>
    /// <exception cref="InvalidOperationException">The options have no resolver and reflection-based serialization is disabled (trimmed or native AOT apps).</exception>
    [UnconditionalSuppressMessage(
        "AOT",
        "IL3050:RequiresDynamicCode",
        Justification = "The reflection resolver is only populated where reflection-based serialization is enabled; trimmed and "
            + "native AOT apps disable it, and options without a resolver are then refused here at construction.")]
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2026:RequiresUnreferencedCode",
        Justification = "As for IL3050: the reflection resolver is disabled under trimming.")]
    public static JsonSerializerOptions? Prepare(JsonSerializerOptions? options)
    {
        if (options is { IsReadOnly: false })
        {
            options.MakeReadOnly(populateMissingResolver: true);
        }

        return options;
    }

    /// <summary>
    /// Serializes a value that is not a primitive through System.Text.Json. A <see cref="JsonElement"/> or
    /// <see cref="JsonDocument"/> is used as it is.
    /// </summary>
    [UnconditionalSuppressMessage(
        "AOT",
        "IL3050:RequiresDynamicCode",
        Justification = "Only reached when no ArgumentSerializerOptions are configured. JsonSerializerOptions.Default resolves "
            + "metadata by reflection only where reflection-based serialization is enabled; trimmed and native AOT apps disable "
            + "it, so GetTypeInfo throws and the guard fails closed. Such apps configure a source-generated context.")]
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2026:RequiresUnreferencedCode",
        Justification = "As for IL3050: the reflection fallback is disabled under trimming, so missing metadata fails closed.")]
    public static JsonElement ToElement(object value, JsonSerializerOptions? options)
    {
        switch (value)
        {
            case JsonElement element:
                return element;
            case JsonDocument document:
                return document.RootElement;
        }

        JsonSerializerOptions effective = options ?? JsonSerializerOptions.Default;
        JsonTypeInfo typeInfo = effective.GetTypeInfo(value.GetType());
        return JsonSerializer.SerializeToElement(value, typeInfo);
    }

    /// <summary>
    /// Binds a stream argument to its content: <c>{"length": N, "sha256": "hex"}</c> of the bytes from its current
    /// position, which is restored afterwards. A stream that cannot seek cannot be read without being consumed, so it
    /// cannot be bound to an approval and is refused.
    /// </summary>
    private static void WriteStream(ref CanonicalJsonWriter writer, Stream stream)
    {
        if (!stream.CanSeek || !stream.CanRead)
        {
            throw new ArgumentException(
                $"A {stream.GetType().Name} argument cannot be bound to an approval: it cannot seek, so hashing its content would consume it. Pass a seekable stream (for example a MemoryStream or FileStream).");
        }

        var start = stream.Position;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        long length = 0;
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                length += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            stream.Position = start;
        }

        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        writer.WriteStartObject();
        writer.WritePropertyName("length");
        writer.WriteNumber(length);
        writer.WritePropertyName("sha256");
        writer.WriteString(Convert.ToHexStringLower(digest));
        writer.WriteEndObject();
    }

    private static void WriteInteger(ref CanonicalJsonWriter writer, long value)
    {
        if (value is >= -MaxExactInteger and <= MaxExactInteger)
        {
            writer.WriteNumber(value);
        }
        else
        {
            Span<byte> scratch = stackalloc byte[ScratchBytes];
            WriteFormattedString(ref writer, value, scratch);
        }
    }

    private static void WriteDouble(ref CanonicalJsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(value);
        }
        else
        {
            // JSON has no NaN or Infinity; System.Text.Json's named literals keep the value bound rather than refused.
            writer.WriteStringAscii(double.IsNaN(value) ? "NaN"u8 : value > 0 ? "Infinity"u8 : "-Infinity"u8);
        }
    }

    private static void WriteDecimal(ref CanonicalJsonWriter writer, decimal value, scoped Span<byte> scratch)
    {
        // The decimal-from-double conversion keeps 15 significant digits, so this holds exactly when the decimal is
        // the same number as the double nearest to it. Otherwise the double would merge distinct amounts
        // (333333333.33333329m and 333333333.3333333m), so the exact digits go out as a string instead.
        double asDouble = (double)value;
        if (Math.Abs(asDouble) < DecimalRange && (decimal)asDouble == value)
        {
            writer.WriteNumber(asDouble);
            return;
        }

        Format(value.TryFormat(scratch, out int length, default, CultureInfo.InvariantCulture));
        ReadOnlySpan<byte> digits = scratch[..length];
        if (digits.Contains((byte)'.'))
        {
            // 1.50m and 1.5m are the same amount: drop the scale's trailing zeros.
            digits = digits.TrimEnd((byte)'0').TrimEnd((byte)'.');
        }

        writer.WriteStringAscii(digits);
    }

    /// <summary>
    /// Writes a JSON number exactly, as the value it stands for: through the same rule as a <see cref="decimal"/>
    /// argument when <see cref="decimal"/> holds it exactly (a double where the double is that number, else its exact
    /// digits as a string), otherwise as its normalised exact digits and exponent as a string. Equal numbers
    /// (<c>1.50</c>, <c>1.5</c>, <c>15e-1</c>) write alike; numbers that differ anywhere, even beyond double or decimal
    /// precision, never do.
    /// </summary>
    internal static void WriteJsonNumber(ref CanonicalJsonWriter writer, JsonElement element)
    {
        if (element.TryGetInt64(out long integer) && TryWriteJsonInteger(ref writer, integer))
        {
            return;
        }

        var raw = element.GetRawText();
        var exact = NormalizeNumber(raw);
        if (element.TryGetDecimal(out decimal value)
            && string.Equals(NormalizeNumber(value.ToString(CultureInfo.InvariantCulture)), exact, StringComparison.Ordinal))
        {
            Span<byte> scratch = stackalloc byte[ScratchBytes];
            WriteDecimal(ref writer, value, scratch);
            return;
        }

        writer.WriteString(exact);
    }

    /// <summary>
    /// Writes an integer below 10^15 in magnitude as <see cref="WriteJsonNumber"/> writes that JSON number, without
    /// parsing any text; returns <see langword="false"/>, writing nothing, for larger ones.
    /// </summary>
    internal static bool TryWriteJsonInteger(ref CanonicalJsonWriter writer, long value)
    {
        // Below 10^15 the rule of WriteJsonNumber always ends in the double's plain digits; decimal keeps 15 significant
        // digits of a double, so larger integers may take its string path.
        if (value is > -PlainJsonIntegerLimit and < PlainJsonIntegerLimit)
        {
            writer.WriteNumber(value);
            return true;
        }

        return false;
    }

    // "-0012.3400e+2" → "-1.234e3"; every representation of one value gives one string, and different values differ.
    private static string NormalizeNumber(string raw)
    {
        var span = raw.AsSpan();
        var negative = span.Length > 0 && span[0] == '-';
        if (negative)
        {
            span = span[1..];
        }

        var exponentAt = span.IndexOfAny('e', 'E');
        long exponent = 0;
        if (exponentAt >= 0)
        {
            exponent = long.Parse(span[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            span = span[..exponentAt];
        }

        var point = span.IndexOf('.');
        var digits = point >= 0 ? string.Concat(span[..point], span[(point + 1)..]) : span.ToString();
        var integerDigits = point >= 0 ? point : span.Length;
        var leading = digits.Length - digits.TrimStart('0').Length;
        var significant = digits.Trim('0');
        if (significant.Length == 0)
        {
            return "0";
        }

        // The value is 0.<significant> × 10^(integerDigits - leading + exponent); written as d.ddd e x.
        var scale = integerDigits - leading + exponent - 1;
        var mantissa = significant.Length == 1 ? significant : significant[0] + "." + significant[1..];
        return string.Create(CultureInfo.InvariantCulture, $"{(negative ? "-" : string.Empty)}{mantissa}e{scale}");
    }

    private static void WriteFormattedString<T>(ref CanonicalJsonWriter writer, T value, scoped Span<byte> scratch)
        where T : IUtf8SpanFormattable
    {
        Format(value.TryFormat(scratch, out int length, default, CultureInfo.InvariantCulture));
        writer.WriteStringAscii(scratch[..length]);
    }

    private static void Format(bool formatted) => Debug.Assert(formatted, "Every scalar format fits in the scratch buffer.");
}
