using ActionGuard.Client;
using ActionGuard.Server.Tokens;

namespace ActionGuard.Server.Approvals;

/// <summary>
/// Told of every committed change, after it commits, on the thread that made it. The server registers none; the
/// in-memory test backend records requests, transitions and claims through one. Observers must be quick and not throw.
/// </summary>
internal interface IApprovalObserver
{
    /// <summary>
    /// A create request was handled: <paramref name="record"/> is the approval it made (<paramref name="created"/>) or
    /// replayed, or <see langword="null"/> when it was refused.
    /// </summary>
    void Requested(string agentId, string idempotencyKey, CreateCommand command, ApprovalRecord? record, bool created);

    /// <summary>A new approval was stored (a replayed create is not one).</summary>
    void Created(ApprovalRecord record);

    /// <summary>An approval changed; <paramref name="from"/> is its status before (the same when only its decisions changed).</summary>
    void Changed(ApprovalStatus from, ApprovalRecord record);

    /// <summary>A claim won and its decision token was signed.</summary>
    void Claimed(ApprovalRecord record, IssuedToken token);
}
