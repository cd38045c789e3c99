using ActionGuard;
using DataPreprocessingAgent.Agent;

namespace DataPreprocessingAgent;

/// <summary>What happened, for the exit code and for tests.</summary>
public sealed class StoryResult
{
    /// <summary>Gets the checks that failed; empty when the story went as expected.</summary>
    public required IReadOnlyList<string> Failures { get; init; }

    /// <summary>Gets whether the story went as expected.</summary>
    public bool Succeeded => Failures.Count == 0;

    /// <summary>Gets the process exit code: 0 when the story went as expected.</summary>
    public int ExitCode => Succeeded ? 0 : 1;

    /// <summary>Gets the backend the story used.</summary>
    public Uri? Server { get; init; }

    /// <summary>Gets what the export wrote, when it ran.</summary>
    public ExportReceipt? Export { get; init; }

    /// <summary>Gets what the model read back from the grant tool (a denial names who refused and why).</summary>
    public string? GrantToolResult { get; init; }

    /// <summary>Gets the model's last answer.</summary>
    public string? ModelAnswer { get; init; }

    /// <summary>Gets the export's approval id.</summary>
    public string? ExportApprovalId { get; init; }

    /// <summary>Gets the grant's approval id.</summary>
    public string? GrantApprovalId { get; init; }

    /// <summary>Gets the audit records read back, in order.</summary>
    public IReadOnlyList<AuditLine> Audit { get; init; } = [];

    /// <summary>Gets whether the backend verified the audit hash chain.</summary>
    public bool AuditVerified { get; init; }
}
