using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace ActionGuard.Redaction;

/// <summary>
/// A read-only map of argument names to redacted values, kept in argument order. Two arrays instead of a hash table:
/// actions have a handful of arguments, and this is built on every guarded call.
/// </summary>
internal sealed class ArgumentDictionary : IReadOnlyDictionary<string, JsonElement>
{
    private readonly string[] _names;
    private readonly JsonElement[] _values;

    /// <summary>Initializes a new instance that takes ownership of both arrays; names must be unique.</summary>
    public ArgumentDictionary(string[] names, JsonElement[] values)
    {
        _names = names;
        _values = values;
    }

    public int Count => _names.Length;

    public IEnumerable<string> Keys => _names;

    public IEnumerable<JsonElement> Values => _values;

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
        for (int i = 0; i < _names.Length; i++)
        {
            yield return new KeyValuePair<string, JsonElement>(_names[i], _values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Array.IndexOf(_names, key);
    }
}
