using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ActionGuard.Hashing;

/// <summary>
/// Serializes JSON as RFC 8785 (JSON Canonicalization Scheme) prescribes, so equal data always yields the same bytes:
/// object members sorted by their UTF-16 code units, numbers as ECMAScript prints them, minimal string escaping, no
/// whitespace.
/// </summary>
/// <remarks>
/// <para>
/// Input that has no canonical form is refused with an <see cref="ArgumentException"/> rather than guessed at: an object
/// with two members of the same name, a number outside the range of an IEEE 754 double (such as <c>1e400</c>), a
/// string with a lone surrogate (such as <c>"\ud800"</c>), or an undefined <see cref="JsonElement"/>.
/// </para>
/// <para>
/// Numbers are read as doubles, as RFC 8785 requires; integers beyond 2^53 therefore lose precision. Data that must
/// keep them exactly should carry them as strings. (The action hash does not use this rule: it keeps every number
/// exactly.)
/// </para>
/// </remarks>
internal static class CanonicalJson
{
    /// <summary>Returns the canonical UTF-8 bytes of <paramref name="element"/>.</summary>
    /// <param name="element">The JSON value to canonicalize.</param>
    /// <returns>The canonical form, UTF-8 encoded without a byte order mark.</returns>
    /// <exception cref="ArgumentException">The value has no canonical form; see the remarks on <see cref="CanonicalJson"/>.</exception>
    public static byte[] Serialize(JsonElement element)
    {
        using PooledBufferWriter buffer = PooledBufferWriter.Rent();
        Write(element, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Returns the canonical form of <paramref name="element"/> as a string.</summary>
    /// <param name="element">The JSON value to canonicalize.</param>
    /// <returns>The canonical form.</returns>
    /// <exception cref="ArgumentException">The value has no canonical form; see the remarks on <see cref="CanonicalJson"/>.</exception>
    public static string SerializeToString(JsonElement element)
    {
        using PooledBufferWriter buffer = PooledBufferWriter.Rent();
        Write(element, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the canonical UTF-8 bytes of <paramref name="element"/> to <paramref name="output"/>.</summary>
    /// <param name="element">The JSON value to canonicalize.</param>
    /// <param name="output">Where the bytes go.</param>
    /// <exception cref="ArgumentException">The value has no canonical form; see the remarks on <see cref="CanonicalJson"/>.</exception>
    public static void Write(JsonElement element, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var writer = new CanonicalJsonWriter(output);
        WriteElement(ref writer, element);
    }

    /// <summary>Writes <paramref name="element"/> canonically.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="element">The value.</param>
    /// <param name="exactNumbers">
    /// <see langword="false"/> reads numbers as doubles, as RFC 8785 prescribes; <see langword="true"/> (the action hash)
    /// keeps every number exactly, see <see cref="ArgumentValueWriter.WriteJsonNumber"/>.
    /// </param>
    internal static void WriteElement(ref CanonicalJsonWriter writer, JsonElement element, bool exactNumbers = false)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(ref writer, element, exactNumbers);
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (JsonElement item in element.EnumerateArray())
                {
                    WriteElement(ref writer, item, exactNumbers);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteString(GetString(element));
                break;
            case JsonValueKind.Number when exactNumbers:
                ArgumentValueWriter.WriteJsonNumber(ref writer, element);
                break;
            case JsonValueKind.Number:
                if (!element.TryGetDouble(out double number))
                {
                    throw new ArgumentException(
                        "A number is outside the range of an IEEE 754 double and has no canonical JSON form.",
                        nameof(element));
                }

                writer.WriteNumber(number);
                break;
            case JsonValueKind.True:
                writer.WriteBoolean(true);
                break;
            case JsonValueKind.False:
                writer.WriteBoolean(false);
                break;
            case JsonValueKind.Null:
                writer.WriteNull();
                break;
            default:
                throw new ArgumentException("An undefined JsonElement has no canonical JSON form.", nameof(element));
        }
    }

    private static void WriteObject(ref CanonicalJsonWriter writer, JsonElement element, bool exactNumbers)
    {
        int count = element.GetPropertyCount();
        KeyValuePair<string, JsonElement>[] members = ArrayPool<KeyValuePair<string, JsonElement>>.Shared.Rent(Math.Max(count, 1));
        try
        {
            int i = 0;
            foreach (JsonProperty property in element.EnumerateObject())
            {
                members[i++] = new(GetName(property), property.Value);
            }

            Span<KeyValuePair<string, JsonElement>> sorted = members.AsSpan(0, i);
            SortMembers(sorted);

            writer.WriteStartObject();
            for (int j = 0; j < sorted.Length; j++)
            {
                writer.WritePropertyName(sorted[j].Key);
                WriteElement(ref writer, sorted[j].Value, exactNumbers);
            }

            writer.WriteEndObject();
        }
        finally
        {
            ArrayPool<KeyValuePair<string, JsonElement>>.Shared.Return(members, clearArray: true);
        }
    }

    private static string GetString(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json refuses "\ud800"-style escapes of lone surrogates when unescaping. The text is left out of
            // the message: it may be an argument's secret value, and exception messages end up in logs.
            throw new ArgumentException("A string has a lone surrogate, is not valid Unicode and has no canonical JSON form.", nameof(element), ex);
        }
    }

    private static string GetName(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException ex)
        {
            throw new ArgumentException("A property name is not valid Unicode and has no canonical JSON form.", nameof(property), ex);
        }
    }

    /// <summary>
    /// Puts an object's members in canonical order — by the UTF-16 code units of their names, as RFC 8785 §3.2.3
    /// prescribes — and refuses a name that occurs twice.
    /// </summary>
    /// <exception cref="ArgumentException">Two members have the same name.</exception>
    internal static void SortMembers<T>(Span<KeyValuePair<string, T>> members)
    {
        // Ordinal comparison is by UTF-16 code unit, exactly that order. A static lambda: Span.Sort turns a comparer
        // struct into a new delegate on every call.
        members.Sort(static (x, y) => string.CompareOrdinal(x.Key, y.Key));
        for (int i = 1; i < members.Length; i++)
        {
            if (string.Equals(members[i - 1].Key, members[i].Key, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The object has more than one member named \"{members[i].Key}\"; canonical JSON needs unique names."),
                    nameof(members));
            }
        }
    }
}
