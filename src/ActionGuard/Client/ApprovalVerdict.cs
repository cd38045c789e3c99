namespace ActionGuard.Client;

/// <summary>An approver's verdict.</summary>
public enum ApprovalVerdict
{
    /// <summary>The approver allows the action.</summary>
    Approve = 1,

    /// <summary>The approver refuses the action.</summary>
    Deny,
}
