namespace DataPreprocessingAgent;

/// <summary>One audit record, as the trail prints it.</summary>
/// <param name="Seq">Its sequence number.</param>
/// <param name="At">When.</param>
/// <param name="Type">requested, decided, approved, denied, claimed, succeeded, …</param>
/// <param name="ApprovalId">The approval it belongs to.</param>
/// <param name="Actor">Who: <c>agent:…</c>, <c>user:…</c>, <c>policy:…</c> or <c>system</c>.</param>
/// <param name="Detail">A short summary of its data.</param>
public sealed record AuditLine(long Seq, DateTimeOffset At, string Type, string? ApprovalId, string Actor, string Detail);
