using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using ActionGuard.Hashing;
using ActionGuard.Utils;

namespace ActionGuard.Redaction;

/// <summary>
/// Produces the copy of an action's arguments that may leave the process: sensitive values masked, secrets in text
/// masked, long text, large collections and deep nesting cut down. The action hash never sees this copy.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description>An argument marked <see cref="SensitiveAttribute"/> (<see cref="ActionArgument.IsSensitive"/>), and any argument,
/// property or dictionary key whose name says secret (see <see cref="SensitiveNameMatcher"/>), becomes <c>"[sensitive]"</c>
/// at any depth, counted as <c>sensitive</c>.</description></item>
/// <item><description>A payload argument (<see cref="ActionArgument.IsPayload"/>) becomes <c>"[payload]"</c>: its data classes,
/// counts and masked samples travel instead.</description></item>
/// <item><description>Text is scanned by <see cref="SecretPatterns"/>; each secret becomes <c>[redacted:&lt;class&gt;]</c>, counted as
/// <c>secret.&lt;class&gt;</c>. Text longer than <see cref="RedactionOptions.MaxStringLength"/> is then cut, with
/// <c>…[+N chars]</c>; scanning first means a secret cannot be half-kept at the cut.</description></item>
/// <item><description>Arrays keep <see cref="RedactionOptions.MaxCollectionItems"/> items and then <c>"[+N more items]"</c>; objects
/// keep as many members and then <c>"…": "[+N more items]"</c>.</description></item>
/// <item><description>The argument value is level 1; an object or array deeper than <see cref="RedactionOptions.MaxDepth"/> becomes
/// <c>"[max depth]"</c>.</description></item>
/// <item><description>Binary values are shown as base64, cut like text; scalars (numbers, dates, GUIDs, enum names) as the action
/// hash writes them; other values through System.Text.Json with the argument serializer options.</description></item>
/// </list>
/// </remarks>
internal sealed class ArgumentRedactor
{
    internal const string SensitiveMarker = "[sensitive]";
    internal const string PayloadMarker = "[payload]";
    internal const string MaxDepthMarker = "[max depth]";
    internal const string SensitiveDataClass = "sensitive";

    // The smallest length RedactText keeps, so exception messages stay useful even with a tight MaxStringLength.
    private const int MinTextLength = 1024;

    private readonly int _maxStringLength;
    private readonly int _maxCollectionItems;
    private readonly int _maxDepth;
    private readonly SensitiveNameMatcher _names;
    private readonly JsonSerializerOptions? _argumentSerializerOptions;

    /// <summary>Initializes a new instance from a snapshot of <paramref name="options"/>.</summary>
    /// <param name="options">Limits and extra sensitive names; read once here.</param>
    /// <param name="argumentSerializerOptions">Options for argument types without a built-in form; made read-only here.</param>
    internal ArgumentRedactor(RedactionOptions options, JsonSerializerOptions? argumentSerializerOptions)
    {
        Guard.NotNull(options);
        _maxStringLength = Math.Max(0, options.MaxStringLength);
        _maxCollectionItems = Math.Max(0, options.MaxCollectionItems);
        _maxDepth = Math.Max(0, options.MaxDepth);
        _names = new SensitiveNameMatcher(options.SensitiveNames);
        _argumentSerializerOptions = ArgumentValueWriter.Prepare(argumentSerializerOptions);
    }

    /// <summary>Redacts <paramref name="arguments"/>.</summary>
    /// <exception cref="ArgumentException">Two arguments share a name, or a value cannot be written as JSON.</exception>
    internal RedactedArguments Redact(IReadOnlyList<ActionArgument> arguments)
    {
        Guard.NotNull(arguments);
        Dictionary<string, long>? counts = null;
        JsonElement values;

        // All values go out as one array and come back as one document: one parse instead of one per argument.
        using (PooledBufferWriter buffer = PooledBufferWriter.Rent())
        {
            var writer = new CanonicalJsonWriter(buffer);
            writer.WriteStartArray();
            for (int i = 0; i < arguments.Count; i++)
            {
                ActionArgument argument = arguments[i];
                if (argument.Name is null)
                {
                    throw new ArgumentException("An argument of the action has no name.", nameof(arguments));
                }

                if (argument.IsSensitive || _names.IsSensitive(argument.Name))
                {
                    WriteSensitive(ref writer, ref counts);
                }
                else if (argument.IsPayload)
                {
                    // The data itself stays here: the reviewer learns its classes, counts and masked samples instead.
                    writer.WriteString(PayloadMarker);
                }
                else
                {
                    WriteValue(ref writer, argument.Value, ref counts);
                }
            }

            writer.WriteEndArray();
            // Output nesting is capped by MaxDepth (plus the wrapping array), which may exceed the reader's default 64.
            var reader = new Utf8JsonReader(buffer.WrittenSpan, new JsonReaderOptions { MaxDepth = Math.Max(64, _maxDepth + 2) });
            values = JsonElement.ParseValue(ref reader);
        }

        // The names are copied here and the values were written from the same list: a list that changes later cannot
        // make the map disagree with what was checked.
        string[] names = new string[values.GetArrayLength()];
        HashSet<string>? seen = names.Length > 8 ? new HashSet<string>(names.Length, StringComparer.Ordinal) : null;
        for (int index = 0; index < names.Length; index++)
        {
            string name = arguments[index].Name;
            if (seen is not null ? !seen.Add(name) : Array.IndexOf(names, name, 0, index) >= 0)
            {
                throw new ArgumentException($"The action has more than one argument named \"{name}\".", nameof(arguments));
            }

            names[index] = name;
        }

        return new RedactedArguments(new ArgumentDictionary(names, values), counts ?? RedactedArguments.NoDataClasses);
    }

    /// <summary>Masks secrets in free text, such as an exception message, and cuts it to a reportable length.</summary>
    internal string RedactText(string text)
    {
        Guard.NotNull(text);
        Dictionary<string, long>? ignored = null;
        string masked = SecretPatterns.Mask(text, ref ignored);
        int limit = Math.Max(_maxStringLength, MinTextLength);
        if (masked.Length <= limit)
        {
            return masked;
        }

        int cut = CutPoint(masked, limit);
        Span<char> note = stackalloc char[32];
        int noteLength = WriteTruncationNote(note, masked.Length - cut);
        return string.Concat(masked.AsSpan(0, cut), note[..noteLength]);
    }

    private static void WriteSensitive(ref CanonicalJsonWriter writer, ref Dictionary<string, long>? counts)
    {
        writer.WriteString(SensitiveMarker);
        Count(ref counts, SensitiveDataClass);
    }

    private static void Count(ref Dictionary<string, long>? counts, string dataClass)
    {
        counts ??= new Dictionary<string, long>(StringComparer.Ordinal);
        CollectionsMarshal.GetValueRefOrAddDefault(counts, dataClass, out _)++;
    }

    private static int CutPoint(string text, int limit)
        => limit > 0 && char.IsHighSurrogate(text[limit - 1]) ? limit - 1 : limit;

    private static int WriteTruncationNote(Span<char> destination, int remaining)
    {
        bool written = destination.TryWrite(CultureInfo.InvariantCulture, $"…[+{remaining} chars]", out int length);
        Debug.Assert(written, "The note fits in 32 characters.");
        return length;
    }

    private void WriteValue(ref CanonicalJsonWriter writer, object? value, ref Dictionary<string, long>? counts)
    {
        if (ArgumentValueWriter.TryWriteScalar(ref writer, value))
        {
            return;
        }

        switch (value)
        {
            case string text:
                WriteText(ref writer, text, ref counts);
                break;
            case Uri uri:
                WriteText(ref writer, uri.OriginalString, ref counts);
                break;
            case byte[] bytes:
                WriteBinary(ref writer, bytes);
                break;
            case ReadOnlyMemory<byte> memory:
                WriteBinary(ref writer, memory.Span);
                break;
            case Memory<byte> memory:
                WriteBinary(ref writer, memory.Span);
                break;
            case Stream stream:
                // Neither the content nor its hash leaves the process (a hash of short content can be guessed); the
                // reviewer sees the size, and the payload's data classes when the stream is a classified payload.
                writer.WriteString(stream.CanSeek ? $"[stream: {stream.Length - stream.Position} bytes]" : "[stream]");
                break;
            default:
                WriteElement(ref writer, ArgumentValueWriter.ToElement(value!, _argumentSerializerOptions), 1, ref counts);
                break;
        }
    }

    private void WriteText(ref CanonicalJsonWriter writer, string text, ref Dictionary<string, long>? counts)
    {
        string masked = SecretPatterns.Mask(text, ref counts);
        if (masked.Length <= _maxStringLength)
        {
            writer.WriteString(masked);
            return;
        }

        int cut = CutPoint(masked, _maxStringLength);
        Span<char> note = stackalloc char[32];
        int noteLength = WriteTruncationNote(note, masked.Length - cut);
        writer.WriteString(masked.AsSpan(0, cut), note[..noteLength]);
    }

    private void WriteBinary(ref CanonicalJsonWriter writer, ReadOnlySpan<byte> bytes)
    {
        int encodedLength = ((bytes.Length + 2) / 3) * 4;
        if (encodedLength <= _maxStringLength)
        {
            writer.WriteBase64String(bytes);
            return;
        }

        // Encode only what is shown: whole 3-byte groups that fit, so no padding appears mid-text.
        int shownBytes = (_maxStringLength / 4) * 3;
        string shown = Convert.ToBase64String(bytes[..shownBytes]);
        Span<char> note = stackalloc char[32];
        int noteLength = WriteTruncationNote(note, encodedLength - shown.Length);
        writer.WriteString(shown, note[..noteLength]);
    }

    private void WriteElement(ref CanonicalJsonWriter writer, JsonElement element, int level, ref Dictionary<string, long>? counts)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (level > _maxDepth)
                {
                    writer.WriteString(MaxDepthMarker);
                    break;
                }

                writer.WriteStartObject();
                int members = 0;
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    if (members++ >= _maxCollectionItems)
                    {
                        continue;
                    }

                    string name = property.Name;
                    writer.WritePropertyName(name);
                    if (_names.IsSensitive(name))
                    {
                        WriteSensitive(ref writer, ref counts);
                    }
                    else
                    {
                        WriteElement(ref writer, property.Value, level + 1, ref counts);
                    }
                }

                if (members > _maxCollectionItems)
                {
                    writer.WritePropertyName("…");
                    WriteMoreItems(ref writer, members - _maxCollectionItems);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                if (level > _maxDepth)
                {
                    writer.WriteString(MaxDepthMarker);
                    break;
                }

                writer.WriteStartArray();
                int items = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (items++ < _maxCollectionItems)
                    {
                        WriteElement(ref writer, item, level + 1, ref counts);
                    }
                }

                if (items > _maxCollectionItems)
                {
                    WriteMoreItems(ref writer, items - _maxCollectionItems);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                WriteText(ref writer, element.GetString()!, ref counts);
                break;
            case JsonValueKind.Number:
                // Shown, not hashed: keep the digits as serialized so a large ID is not rounded for the reviewer.
                writer.WriteRawNumber(JsonMarshal.GetRawUtf8Value(element));
                break;
            case JsonValueKind.True:
                writer.WriteBoolean(true);
                break;
            case JsonValueKind.False:
                writer.WriteBoolean(false);
                break;
            default:
                writer.WriteNull();
                break;
        }
    }

    private static void WriteMoreItems(ref CanonicalJsonWriter writer, int more)
    {
        Span<char> marker = stackalloc char[32];
        bool written = marker.TryWrite(CultureInfo.InvariantCulture, $"[+{more} more items]", out int length);
        Debug.Assert(written, "The marker fits in 32 characters.");
        writer.WriteString(marker[..length]);
    }
}
