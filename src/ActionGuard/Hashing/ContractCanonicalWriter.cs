using System.Buffers;
using System.Collections;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ActionGuard.Hashing;

/// <summary>
/// Writes an object canonically (RFC 8785, every number exact) straight from its System.Text.Json contract: the same
/// bytes as canonicalising what the serializer writes for it, without serializing and parsing it first. The member
/// names, which members are written and their order come from the <see cref="JsonTypeInfo"/>, so the wire shape stays
/// defined once, by the contract.
/// </summary>
/// <remarks>
/// Only what the contract states plainly is written directly: objects without custom converters, string-keyed
/// dictionaries, lists, strings, booleans, integers below 10^15 and <see cref="JsonElement"/>s. Anything
/// else (a custom converter, a key or naming policy, a number that needs care) goes through the serializer and
/// <see cref="CanonicalJson"/>, so the result never depends on which path wrote it.
/// </remarks>
internal static class ContractCanonicalWriter
{
    // What each contract needs, looked up once: the serializer's own type lookup costs more than writing a small value.
    private static readonly ConcurrentDictionary<JsonTypeInfo, Shape> Shapes = new();

    /// <summary>Writes <paramref name="value"/> as canonicalising its serialized form would.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value; <see langword="null"/> writes <c>null</c>.</param>
    /// <param name="typeInfo">The contract of the value's declared type.</param>
    /// <exception cref="ArgumentException">The value has no canonical form (a lone surrogate, a non-finite number).</exception>
    public static void Write(ref CanonicalJsonWriter writer, object? value, JsonTypeInfo typeInfo)
    {
        switch (value)
        {
            case null:
                writer.WriteNull();
                return;
            case string text:
                writer.WriteString(AsSerialized(text));
                return;
            case bool flag:
                writer.WriteBoolean(flag);
                return;
            case int number:
                writer.WriteNumber(number);
                return;
            case long number when ArgumentValueWriter.TryWriteJsonInteger(ref writer, number):
                return;
            case JsonElement element:
                CanonicalJson.WriteElement(ref writer, element, exactNumbers: true);
                return;
        }

        bool written = typeInfo.Kind switch
        {
            JsonTypeInfoKind.Object => TryWriteObject(ref writer, value, typeInfo),
            JsonTypeInfoKind.Dictionary => TryWriteDictionary(ref writer, value, typeInfo),
            JsonTypeInfoKind.Enumerable => TryWriteList(ref writer, value, typeInfo),
            _ => false,
        };

        if (!written)
        {
            CanonicalJson.WriteElement(ref writer, JsonSerializer.SerializeToElement(value, typeInfo), exactNumbers: true);
        }
    }

    private static bool TryWriteObject(ref CanonicalJsonWriter writer, object value, JsonTypeInfo typeInfo)
    {
        if (Shapes.GetOrAdd(typeInfo, Describe).Members is not { } members)
        {
            return false;
        }

        bool skipNulls = typeInfo.Options.DefaultIgnoreCondition == JsonIgnoreCondition.WhenWritingNull;
        writer.WriteStartObject();
        foreach (var member in members)
        {
            object? memberValue = member.Property.Get!(value);
            if ((memberValue is null && skipNulls) || member.Property.ShouldSerialize?.Invoke(value, memberValue) == false)
            {
                continue;
            }

            writer.WritePropertyName(member.Property.Name);
            Write(ref writer, memberValue, member.TypeInfo);
        }

        writer.WriteEndObject();
        return true;
    }

    private static bool TryWriteDictionary(ref CanonicalJsonWriter writer, object value, JsonTypeInfo typeInfo)
    {
        if (Shapes.GetOrAdd(typeInfo, Describe).Element is not { } elementInfo)
        {
            return false;
        }

        // Maps of values are read through their typed entries (no box per entry); any other map through IDictionary.
        switch (value)
        {
            case IReadOnlyCollection<KeyValuePair<string, JsonElement>> elements:
                WriteEntries(ref writer, elements, elementInfo);
                return true;
            case IReadOnlyCollection<KeyValuePair<string, long>> integers:
                WriteEntries(ref writer, integers, elementInfo);
                return true;
            case IDictionary dictionary:
                WriteEntries(ref writer, Entries(dictionary), elementInfo);
                return true;
            default:
                return false;
        }
    }

    private static void WriteEntries<T>(ref CanonicalJsonWriter writer, IReadOnlyCollection<KeyValuePair<string, T>> map, JsonTypeInfo elementInfo)
    {
        var entries = ArrayPool<KeyValuePair<string, T>>.Shared.Rent(Math.Max(map.Count, 1));
        try
        {
            // Sorted by the names as sent: a lone surrogate goes out as U+FFFD, which sorts elsewhere.
            int taken = 0;
            foreach (var entry in map)
            {
                entries[taken++] = new(AsSerialized(entry.Key), entry.Value);
            }

            var sorted = entries.AsSpan(0, taken);
            CanonicalJson.SortMembers(sorted);
            writer.WriteStartObject();
            foreach (var (key, item) in sorted)
            {
                writer.WritePropertyName(key);
                if (item is JsonElement element)
                {
                    CanonicalJson.WriteElement(ref writer, element, exactNumbers: true);
                }
                else if (item is not long integer || !ArgumentValueWriter.TryWriteJsonInteger(ref writer, integer))
                {
                    Write(ref writer, item, elementInfo);
                }
            }

            writer.WriteEndObject();
        }
        finally
        {
            ArrayPool<KeyValuePair<string, T>>.Shared.Return(entries, clearArray: true);
        }
    }

    private static List<KeyValuePair<string, object?>> Entries(IDictionary dictionary)
    {
        var entries = new List<KeyValuePair<string, object?>>(dictionary.Count);
        foreach (DictionaryEntry entry in dictionary)
        {
            entries.Add(new((string)entry.Key, entry.Value));
        }

        return entries;
    }

    private static bool TryWriteList(ref CanonicalJsonWriter writer, object value, JsonTypeInfo typeInfo)
    {
        if (value is not IList list || Shapes.GetOrAdd(typeInfo, Describe).Element is not { } elementInfo)
        {
            return false;
        }

        writer.WriteStartArray();
        for (int i = 0; i < list.Count; i++)
        {
            Write(ref writer, list[i], elementInfo);
        }

        writer.WriteEndArray();
        return true;
    }

    // The serializer writes a lone surrogate as U+FFFD, so the body the backend receives holds U+FFFD there.
    private static string AsSerialized(string text) =>
        text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0 || IsValidUtf16(text)
            ? text
            : Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));

    private static bool IsValidUtf16(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(text, out _, out int read) != OperationStatus.Done)
            {
                return false;
            }

            text = text[read..];
        }

        return true;
    }

    private static Shape Describe(JsonTypeInfo typeInfo)
    {
        var options = typeInfo.Options;
        return typeInfo.Kind switch
        {
            JsonTypeInfoKind.Object => new Shape(DescribeMembers(typeInfo), null),
            JsonTypeInfoKind.Dictionary when typeInfo.KeyType == typeof(string) && options.DictionaryKeyPolicy is null && typeInfo.ElementType is { } element
                => new Shape(null, options.GetTypeInfo(element)),
            JsonTypeInfoKind.Enumerable when typeInfo.ElementType is { } element => new Shape(null, options.GetTypeInfo(element)),
            _ => new Shape(null, null),
        };
    }

    private static SortedMember[]? DescribeMembers(JsonTypeInfo typeInfo)
    {
        var options = typeInfo.Options;
        if (options.DefaultIgnoreCondition is not (JsonIgnoreCondition.Never or JsonIgnoreCondition.WhenWritingNull)
            || options.NumberHandling != JsonNumberHandling.Strict || typeInfo.NumberHandling is not (null or JsonNumberHandling.Strict)
            || typeInfo.PolymorphismOptions is not null)
        {
            return null;
        }

        var members = new List<SortedMember>(typeInfo.Properties.Count);
        foreach (var property in typeInfo.Properties)
        {
            if (property.IsExtensionData || property.CustomConverter is not null
                || property.NumberHandling is not (null or JsonNumberHandling.Strict))
            {
                return null;
            }

            if (property.Get is not null)
            {
                members.Add(new SortedMember(property, options.GetTypeInfo(property.PropertyType)));
            }
        }

        // The serializer refuses a contract whose names collide, so sorting is all that is left to do.
        members.Sort(static (x, y) => string.CompareOrdinal(x.Property.Name, y.Property.Name));
        return [.. members];
    }

    // Members sorted by JSON name (an object written directly), or the contract of the items (a map or a list written
    // directly); neither when the serializer must write the value.
    private sealed record Shape(SortedMember[]? Members, JsonTypeInfo? Element);

    private sealed record SortedMember(JsonPropertyInfo Property, JsonTypeInfo TypeInfo);
}
