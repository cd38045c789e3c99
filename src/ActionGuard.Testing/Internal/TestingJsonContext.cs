using System.Text.Json.Serialization;
using ActionGuard.Client;

namespace ActionGuard.Testing.Internal;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(CreateApprovalRequest))]
internal sealed partial class TestingJsonContext : JsonSerializerContext;
