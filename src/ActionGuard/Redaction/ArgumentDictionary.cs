using System.Collections;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace ActionGuard.Redaction;

/// <summary>
/// A read-only map of argument names to redacted values, kept in argument order. The names and the one JSON array of
/// the values, instead of a hash table and an element per value: actions have a handful of arguments, and this is
/// built on every guarded call.
/// </summary>
internal sealed class ArgumentDictionary : IReadOnlyDictionary<string, JsonElement>
{
    private readonly string[] _names;
    private readonly JsonElement _values;

    /// <summary>Initializes a new instance that takes ownership of the names; they must be unique.</summary>
    /// <param name="names">The argument names.</param>
    /// <param name="values">A JSON array with one value per name, in the same order.</param>
    public ArgumentDictionary(string[] names, JsonElement values)
    {
        Debug.Assert(values.ValueKind == JsonValueKind.Array && values.GetArrayLength() == names.Length, "One value per name.");
        _names = names;
        _values = values;
    }

    public int Count => _names.Length;

    public IEnumerable<string> Keys => _names;

    public IEnumerable<JsonElement> Values => _values.EnumerateArray();

    public JsonElement this[string key]
        => TryGetValue(key, out JsonElement value) ? value : throw new KeyNotFoundException($"No argument is named \"{key}\".");

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out JsonElement value)
    {
        int index = IndexOf(key);
        value = index >= 0 ? _values[index] : default;
        return index >= 0;
    }

    public IEnumerator<KeyValuePair<string, JsonElement>> GetEnumerator()
    {
        int index = 0;
        foreach (JsonElement value in _values.EnumerateArray())
        {
            yield return new KeyValuePair<string, JsonElement>(_names[index++], value);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Array.IndexOf(_names, key);
    }
}
