using System.Text.Json;
using System.Text.Json.Serialization;
using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Endpoints;

namespace ActionGuard.Server;

/// <summary>
/// Serialization of the wire models and the stored records: camelCase, enums as snake_case_lower strings, nulls omitted.
/// The wire models are the SDK's own, so the backend cannot drift from what the client reads.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    Converters =
    [
        typeof(SnakeCaseEnumConverter<ApprovalStatus>),
        typeof(SnakeCaseEnumConverter<ApprovalVerdict>),
        typeof(SnakeCaseEnumConverter<OutcomeStatus>),
    ])]
[JsonSerializable(typeof(Approval))]
[JsonSerializable(typeof(ApprovalRecord))]
[JsonSerializable(typeof(ClaimResult))]
[JsonSerializable(typeof(ApprovalListResponse))]
[JsonSerializable(typeof(AuditPageResponse))]
[JsonSerializable(typeof(AuditVerifyResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ServerJsonContext : JsonSerializerContext
{
}
