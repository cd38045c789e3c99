using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActionGuard.Server;

/// <summary>Enums as snake_case_lower strings, as the protocol writes them; integers are refused.</summary>
/// <typeparam name="TEnum">The enum type.</typeparam>
internal sealed class SnakeCaseEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    public SnakeCaseEnumConverter()
        : base(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    {
    }
}
