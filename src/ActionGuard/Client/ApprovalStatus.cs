namespace ActionGuard.Client;

/// <summary>The status of an approval. It only moves forward; see the protocol's state diagram.</summary>
public enum ApprovalStatus
{
    /// <summary>Waiting for decisions.</summary>
    Pending = 1,

    /// <summary>Enough approvals; waiting to be claimed.</summary>
    Approved,

    /// <summary>Denied by an approver or a policy.</summary>
    Denied,

    /// <summary>No decision within the TTL, or not claimed within the claim window.</summary>
    Expired,

    /// <summary>Withdrawn by the agent.</summary>
    Cancelled,

    /// <summary>Claimed; the action is running.</summary>
    Executing,

    /// <summary>The action ran and reported success.</summary>
    Succeeded,

    /// <summary>The action ran and reported failure.</summary>
    Failed,
}
