using System.Text.Json;

namespace ActionGuard.Server.Audit;

/// <summary>An appended audit record: <c>{seq, at, type, approvalId, actor, data, prevHash, hash}</c>.</summary>
internal sealed class AuditRecord
{
    public required long Seq { get; init; }

    /// <summary>Gets the time as hashed: RFC 3339 UTC with seven fractional digits.</summary>
    public required string At { get; init; }

    public required string Type { get; init; }

    public string? ApprovalId { get; init; }

    public required string Actor { get; init; }

    public required JsonElement Data { get; init; }

    public required string PrevHash { get; init; }

    public required string Hash { get; init; }
}
