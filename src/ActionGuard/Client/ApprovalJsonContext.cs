using System.Text.Json.Serialization;

namespace ActionGuard.Client;

/// <summary>
/// Source-generated serialization of the protocol models: camelCase, enums as snake_case_lower strings, nulls omitted
/// when writing, unknown properties skipped, and missing required properties or <see langword="null"/> in non-nullable
/// ones refused so that a reply that is not the expected shape fails closed.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    RespectNullableAnnotations = true,
    Converters =
    [
        typeof(SnakeCaseLowerEnumConverter<ApprovalStatus>),
        typeof(SnakeCaseLowerEnumConverter<ApprovalVerdict>),
        typeof(SnakeCaseLowerEnumConverter<OutcomeStatus>),
    ])]
[JsonSerializable(typeof(CreateApprovalRequest))]
[JsonSerializable(typeof(Approval))]
[JsonSerializable(typeof(ClaimResult))]
[JsonSerializable(typeof(ApprovalOutcome))]
[JsonSerializable(typeof(ApprovalProblem))]
[JsonSerializable(typeof(OutcomeReportBatch))]
[JsonSerializable(typeof(OutcomeReportResults))]
internal sealed partial class ApprovalJsonContext : JsonSerializerContext
{
}
