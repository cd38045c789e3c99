using ActionGuard.Client;
using Microsoft.Extensions.Configuration;

namespace ActionGuard.Server.Policy;

/// <summary>Finds the first rule that matches an action; the default rule applies when none does.</summary>
internal sealed class PolicyEngine
{
    public const string DefaultRuleName = "default";

    private readonly IReadOnlyList<PolicyRule> _rules;
    private readonly int _defaultMinApprovals;
    private readonly TimeSpan _defaultTtl;

    public PolicyEngine(IReadOnlyList<PolicyRule> rules, int defaultMinApprovals, TimeSpan defaultTtl)
    {
        _rules = rules;
        _defaultMinApprovals = defaultMinApprovals;
        _defaultTtl = defaultTtl;
    }

    public IReadOnlyList<PolicyRule> Rules => _rules;

    public PolicyDecision Evaluate(ApprovalAction action)
    {
        foreach (var rule in _rules)
        {
            if (rule.Matches(action))
            {
                return new PolicyDecision(
                    new ApprovalPolicy { Rule = rule.Name, MinApprovals = rule.MinApprovals, ApproverGroups = rule.ApproverGroups },
                    rule.Ttl ?? _defaultTtl,
                    rule.AutoVerdict,
                    rule.Reason);
            }
        }

        return new PolicyDecision(new ApprovalPolicy { Rule = DefaultRuleName, MinApprovals = _defaultMinApprovals, ApproverGroups = [] }, _defaultTtl, null, null);
    }

    /// <summary>
    /// Builds the engine from the rules file (first) and the configured rules, collecting every problem with the
    /// configuration key that causes it.
    /// </summary>
    public static PolicyEngine Create(ActionGuardServerOptions options, string contentRoot, ICollection<string> errors)
    {
        var rules = new List<(string Key, PolicyRuleOptions Rule)>();
        if (!string.IsNullOrWhiteSpace(options.Policy.File))
        {
            var path = Path.GetFullPath(Path.Combine(contentRoot, options.Policy.File));
            if (!System.IO.File.Exists(path))
            {
                errors.Add($"ActionGuard:Policy:File: the rules file '{path}' does not exist.");
            }
            else
            {
                try
                {
                    var file = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
                    var fileRules = new List<PolicyRuleOptions>();
                    file.GetSection("rules").Bind(fileRules);
                    for (var i = 0; i < fileRules.Count; i++)
                    {
                        rules.Add(($"{path}: rules:{i}", fileRules[i]));
                    }
                }
                catch (Exception ex) when (ex is InvalidOperationException or FormatException or InvalidDataException)
                {
                    errors.Add($"ActionGuard:Policy:File: the rules file '{path}' cannot be read: {ex.Message}");
                }
            }
        }

        for (var i = 0; i < options.Policy.Rules.Count; i++)
        {
            rules.Add(($"ActionGuard:Policy:Rules:{i}", options.Policy.Rules[i]));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var compiled = new List<PolicyRule>(rules.Count);
        foreach (var (key, rule) in rules)
        {
            if (string.IsNullOrWhiteSpace(rule.Name))
            {
                errors.Add($"{key}:Name is required.");
                continue;
            }

            if (!names.Add(rule.Name))
            {
                errors.Add($"{key}:Name '{rule.Name}' is used by another rule.");
            }

            if (rule.MinApprovals < 1)
            {
                errors.Add($"{key}:MinApprovals must be at least 1.");
            }

            if (rule.Ttl is { } ttl && ttl <= TimeSpan.Zero)
            {
                errors.Add($"{key}:Ttl must be positive.");
            }

            ApprovalVerdict? verdict = rule.Decision?.ToUpperInvariant() switch
            {
                null or "REQUIRE" => null,
                "ALLOW" => ApprovalVerdict.Approve,
                "DENY" => ApprovalVerdict.Deny,
                _ => AddError(errors, $"{key}:Decision must be 'require', 'allow' or 'deny', not '{rule.Decision}'."),
            };

            compiled.Add(new PolicyRule
            {
                Name = rule.Name,
                Kind = Compile(rule.Kind),
                ActionName = Compile(rule.ActionName),
                Resource = Compile(rule.Resource),
                Destination = Compile(rule.Destination),
                Environment = Compile(rule.Environment),
                MinApprovals = rule.MinApprovals,
                ApproverGroups = [.. rule.ApproverGroups.Where(g => !string.IsNullOrWhiteSpace(g))],
                Ttl = rule.Ttl,
                AutoVerdict = verdict,
                Reason = rule.Reason,
            });
        }

        if (options.Policy.DefaultMinApprovals < 1)
        {
            errors.Add("ActionGuard:Policy:DefaultMinApprovals must be at least 1.");
        }

        return new PolicyEngine(compiled, Math.Max(1, options.Policy.DefaultMinApprovals), options.DefaultTtl);
    }

    private static ApprovalVerdict? AddError(ICollection<string> errors, string message)
    {
        errors.Add(message);
        return null;
    }

    private static GlobPattern? Compile(string? pattern) => string.IsNullOrEmpty(pattern) ? null : new GlobPattern(pattern);
}
