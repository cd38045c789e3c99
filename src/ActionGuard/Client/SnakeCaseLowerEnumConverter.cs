using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActionGuard.Client;

/// <summary>
/// Writes and reads an enum as its snake_case_lower name (<c>pending</c>, <c>approve</c>, <c>succeeded</c>); integers and
/// unknown names are refused, so a backend that speaks another protocol version fails loudly instead of being guessed at.
/// </summary>
/// <typeparam name="TEnum">The enum type.</typeparam>
internal sealed class SnakeCaseLowerEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    // The source generator instantiates converters named in JsonSourceGenerationOptions through a parameterless constructor.
    public SnakeCaseLowerEnumConverter()
        : base(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    {
    }
}
