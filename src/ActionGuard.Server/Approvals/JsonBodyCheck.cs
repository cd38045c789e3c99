using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace ActionGuard.Server.Approvals;

/// <summary>
/// Checks a parsed body for what JSON allows but the protocol cannot hold: a member named twice in one object (which
/// of the two would the reviewer see, and which would the agent run?), a string or name with a lone surrogate, and a
/// number beyond the range of a double. Each is reported by the field it is in (<c>action.name</c>,
/// <c>arguments.path</c>; deeper values by their argument), and no message repeats the text it found, so nothing a
/// caller sends reaches a log or an error reply.
/// </summary>
internal static class JsonBodyCheck
{
    public static void Check(JsonElement root, Errors errors) => CheckValue(root, field: null, depth: 0, errors);

    private static void CheckValue(JsonElement value, string? field, int depth, Errors errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(value, field, depth, errors);
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    CheckValue(item, field, depth + 1, errors);
                }

                break;
            case JsonValueKind.String when !IsValidText(value):
                errors.Add(field ?? "body", "The text has a lone surrogate (an unpaired \\uD800-\\uDFFF escape); it must be valid Unicode.");
                break;
            case JsonValueKind.Number when !value.TryGetDouble(out var number) || !double.IsFinite(number):
                errors.Add(field ?? "body", "The number is beyond the range of a double (about ±1.8e308).");
                break;
        }
    }

    private static void CheckObject(JsonElement value, string? field, int depth, Errors errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                errors.Add(field ?? "body", "A member name has a lone surrogate (an unpaired \\uD800-\\uDFFF escape); it must be valid Unicode.");
                continue;
            }

            // Fields are named down to the second level (action.kind, arguments.path); what an argument holds is
            // reported under the argument.
            var child = depth < 2 ? (field is null ? name : field + "." + name) : field!;
            if (!names.Add(name))
            {
                errors.Add(child, "The member is given more than once in the same object.");
                continue;
            }

            CheckValue(property.Value, child, depth + 1, errors);
        }
    }

    // Valid UTF-8 without escapes is valid text and needs no decoding; only escaped strings can hide a lone surrogate
    // ("\ud800"), and only they are decoded to find out.
    private static bool IsValidText(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.IndexOf((byte)'\\') < 0)
        {
            return Utf8.IsValid(raw);
        }

        try
        {
            _ = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
