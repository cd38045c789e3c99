namespace ActionGuard.PendingApprovals;

/// <summary>
/// Keeps the approvals an agent is waiting for, so that an agent restarted while a person decides adopts its request
/// instead of asking again. Register one with <c>AddPendingApprovals</c>; the file-system store is the default.
/// </summary>
/// <remarks>
/// <para>
/// A store holds opaque entries: the secret that binds an approval to its action is sealed (AES-256-GCM) before it
/// reaches the store and checked when it comes back, so a store needs no protection of its own beyond keeping entries
/// apart by <see cref="PendingApprovalEntry.Fingerprint"/>. An entry that was altered, or sealed under another key, is
/// discarded and the action asks again; it can never authorize a run (the decision token is verified as always).
/// </para>
/// <para>Implementations must be thread-safe. A failing store never fails a guarded call: the call asks anew.</para>
/// </remarks>
public interface IPendingApprovalStore
{
    /// <summary>Finds the entries saved under a fingerprint.</summary>
    /// <param name="fingerprint">The action's fingerprint: 64 lowercase hex digits.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The entries, in any order; empty when there are none.</returns>
    ValueTask<IReadOnlyList<PendingApprovalEntry>> FindAsync(string fingerprint, CancellationToken cancellationToken = default);

    /// <summary>Saves an entry, replacing one with the same fingerprint and approval id.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the save.</param>
    /// <returns>A task that completes when the entry is durable.</returns>
    ValueTask SaveAsync(PendingApprovalEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Removes an entry; removing one that does not exist is not an error.</summary>
    /// <param name="fingerprint">The entry's fingerprint.</param>
    /// <param name="approvalId">The entry's approval id.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>A task that completes when the entry is gone.</returns>
    ValueTask RemoveAsync(string fingerprint, string approvalId, CancellationToken cancellationToken = default);
}
