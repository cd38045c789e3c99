using System.Text.Json.Serialization;

namespace ActionGuard.PendingApprovals;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(FileSystemPendingApprovalStore.StoredEntry))]
internal sealed partial class PendingApprovalJsonContext : JsonSerializerContext
{
}
