using System.Text.Json;

namespace ActionGuard.Server.Audit;

/// <summary>An audit record about to be appended; the store assigns its sequence number and hashes.</summary>
/// <param name="Type">One of <see cref="AuditTypes"/>.</param>
/// <param name="ApprovalId">The approval concerned.</param>
/// <param name="Actor">Who caused it: <c>agent:&lt;id&gt;</c>, <c>user:&lt;sub&gt;@&lt;iss&gt;</c>, <c>policy:&lt;rule&gt;</c> or <c>system</c>.</param>
/// <param name="At">When it happened.</param>
/// <param name="Data">Details: a JSON object.</param>
internal sealed record AuditEntry(string Type, string ApprovalId, string Actor, DateTimeOffset At, JsonElement Data);
