using ActionGuard.Client;
using ActionGuard.Server.Audit;

namespace ActionGuard.Server.Endpoints;

/// <summary><c>GET /v1/approvals</c>: newest first; pass <see cref="NextCursor"/> as <c>cursor</c> for the next page.</summary>
internal sealed record ApprovalListResponse(IReadOnlyList<Approval> Items, string? NextCursor);

/// <summary><c>GET /v1/audit</c>: records in order; pass <see cref="NextAfter"/> as <c>after</c> for the next page.</summary>
internal sealed record AuditPageResponse(IReadOnlyList<AuditRecord> Records, long? NextAfter);

/// <summary><c>GET /v1/audit/verify</c>.</summary>
internal sealed record AuditVerifyResponse(bool Ok, long Records, long? FirstBrokenSeq);

/// <summary><c>/healthz</c> and <c>/readyz</c>.</summary>
internal sealed record HealthResponse(string Status);
