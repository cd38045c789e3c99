namespace ActionGuard.PendingApprovals;

/// <summary>One approval an agent waits for, as an <see cref="IPendingApprovalStore"/> keeps it.</summary>
public sealed class PendingApprovalEntry
{
    /// <summary>
    /// Gets the action's fingerprint: a keyed hash (HMAC-SHA-256 under the pending-approval key) of the agent, the
    /// initiator and the action with its full arguments. The same call with the same arguments has the same fingerprint;
    /// without the key it reveals nothing about the arguments.
    /// </summary>
    public required string Fingerprint { get; init; }

    /// <summary>Gets the approval's id on the backend.</summary>
    public required string ApprovalId { get; init; }

    /// <summary>Gets when the entry is of no more use (the approval's expiry); a store may drop it afterwards.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets the sealed secret binding the approval to its action. Opaque to the store; keep it byte for byte.</summary>
    public required ReadOnlyMemory<byte> SealedState { get; init; }
}
