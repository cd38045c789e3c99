using System.Text.Json;
using ActionGuard.Utils;
using Microsoft.Extensions.Logging;

namespace ActionGuard.Policy;

/// <summary>
/// The SDK's local fast path. It may only deny early: when the first rule that matches for certain (no unknown fact
/// before it) denies, the action is refused without a round trip. Anything else — allow, require approval, no match,
/// or an unknown fact — goes to the backend, whose evaluation of the same rules is authoritative and recorded in the
/// audit log; a locally allowed action is therefore still created on the backend and still needs its decision token.
/// </summary>
internal sealed partial class LocalPolicy
{
    private readonly PolicyEvaluator _evaluator;
    private readonly ILogger _logger;

    public LocalPolicy(PolicyDocument document, ILogger logger)
    {
        _evaluator = new PolicyEvaluator(Guard.NotNull(document));
        _logger = logger;
    }

    /// <summary>Reads the policy the options name; <see langword="null"/> when none is configured.</summary>
    /// <exception cref="PolicyLoadException">The file cannot be read completely.</exception>
    public static LocalPolicy? Create(ActionGuardOptions options, ILogger logger)
    {
        var document = options.Policy ?? (options.PolicyFile is { } path ? PolicyDocument.Load(path) : null);
        return document is null ? null : new LocalPolicy(document, logger);
    }

    /// <summary>The facts the SDK knows: the full arguments (masked ones included), the data classes it sends.</summary>
    public static PolicyFacts Facts(GuardedAction action, string? agentId, string? environment, ApprovalParty? initiator, IReadOnlyDictionary<string, long> dataClasses)
    {
        var numbers = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var argument in action.Arguments)
        {
            if (argument.Name is null)
            {
                continue;
            }

            decimal? number = argument.Value switch
            {
                int v => v,
                long v => v,
                short v => v,
                byte v => v,
                sbyte v => v,
                uint v => v,
                ulong v => v,
                ushort v => v,
                decimal v => v,
                double v when double.IsFinite(v) && Math.Abs(v) < 7.9e28 => (decimal)v,
                float v when float.IsFinite(v) && Math.Abs(v) < 7.9e28f => (decimal)v,
                _ => null,
            };
            if (number is { } n)
            {
                numbers[argument.Name] = n;
            }
            else if (argument.Value is JsonElement element)
            {
                PolicyFacts.Collect(numbers, argument.Name, element, 1);
            }
        }

        return PolicyFacts.For(action.Kind.Name, action.Name, action.Resource, action.Destination, environment, agentId, initiator, dataClasses, numbers);
    }

    /// <summary>Returns the denial when the policy denies the action for certain, else <see langword="null"/>.</summary>
    public ActionDeniedException? Check(GuardedAction action, PolicyFacts facts)
    {
        var evaluation = _evaluator.Evaluate(facts);
        if (!evaluation.IsDefinite || evaluation.MatchedRule is not { Effect: PolicyEffect.Deny } rule)
        {
            return null;
        }

        var reason = rule.Message ?? $"Denied by policy rule '{rule.Name}'.";
        LocalPolicyDenied(_logger, action.Kind.Name, action.Name, rule.Name);
        return new ActionDeniedException(
            $"{action.Kind} '{action.Name}' was denied by local policy rule '{rule.Name}': {reason}",
            ApprovalParty.ForPolicyRule(rule.Name, issuer: null),
            reason)
        {
            ActionKind = action.Kind,
            ActionName = action.Name,
        };
    }

    [LoggerMessage(EventId = 1190, EventName = "LocalPolicyDenied", Level = LogLevel.Warning,
        Message = "{ActionKind} {ActionName} denied by local policy rule {Rule}; the request is only recorded on the backend.")]
    private static partial void LocalPolicyDenied(ILogger logger, string actionKind, string actionName, string rule);
}
