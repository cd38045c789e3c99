using ActionGuard.Server.Approvals;

namespace ActionGuard.Server.Policy;

/// <summary>
/// Decides the policy of some new requests instead of the configured rules. The server registers none; the in-memory
/// test backend registers one for the rules tests script with predicates (<c>When(...)</c>).
/// </summary>
internal interface IPolicyOverride
{
    /// <summary>The decision for <paramref name="pending"/> (decided by the configured rules so far), or <see langword="null"/> to keep it.</summary>
    PolicyDecision? Evaluate(ApprovalRecord pending);
}
