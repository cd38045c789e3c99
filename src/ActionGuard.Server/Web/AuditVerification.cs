namespace ActionGuard.Server.Web;

/// <summary>What verifying the audit chain found: whether it holds, over how many records, and the first broken one.</summary>
internal sealed record AuditVerification(bool Ok, long Records, long? FirstBrokenSeq);
