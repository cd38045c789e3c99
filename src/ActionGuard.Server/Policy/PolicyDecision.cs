using ActionGuard.Client;

namespace ActionGuard.Server.Policy;

/// <summary>What the policy says about one action.</summary>
/// <param name="Policy">The rule, threshold and approver groups recorded on the approval.</param>
/// <param name="Ttl">How long the request may stay pending.</param>
/// <param name="AutoVerdict">A verdict given at once by the rule, or <see langword="null"/> when people decide.</param>
/// <param name="Reason">The reason recorded with an automatic verdict.</param>
internal sealed record PolicyDecision(ApprovalPolicy Policy, TimeSpan Ttl, ApprovalVerdict? AutoVerdict, string? Reason);
