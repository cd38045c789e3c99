using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Policy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActionGuard.Server.Policy;

/// <summary>
/// The server's (authoritative) policy: the shared language of <see cref="PolicyDocument"/>, the rules file first, then
/// the configured rules; the default rule applies when none matches. The file can be reloaded (watched, or
/// <see cref="Reload"/>): a bad file keeps the last good policy and says so.
/// </summary>
/// <remarks>
/// The server sees arguments only as the SDK sent them (masked values are strings, not numbers), so a condition on an
/// argument it cannot read is unknown and resolved conservatively (<see cref="PolicyEvaluation.Decision"/>): the
/// strictest rule that might apply wins. It never trusts a claim of the agent about facts it cannot see.
/// </remarks>
internal sealed partial class PolicyEngine : IDisposable
{
    public const string DefaultRuleName = "default";

    private static readonly TimeSpan ReloadDelay = TimeSpan.FromMilliseconds(250);

    private readonly string? _filePath;
    private readonly IReadOnlyList<PolicyRule> _configuredRules;
    private readonly int _defaultMinApprovals;
    private readonly TimeSpan _defaultTtl;
    private readonly ILogger _logger;
    private readonly Lock _reloadLock = new();
    private volatile PolicyEvaluator _evaluator;
    private FileSystemWatcher? _watcher;
    private ITimer? _reloadTimer;

    private PolicyEngine(PolicyEvaluator evaluator, string? filePath, IReadOnlyList<PolicyRule> configuredRules, int defaultMinApprovals, TimeSpan defaultTtl, ILogger logger)
    {
        _evaluator = evaluator;
        _filePath = filePath;
        _configuredRules = configuredRules;
        _defaultMinApprovals = defaultMinApprovals;
        _defaultTtl = defaultTtl;
        _logger = logger;
    }

    /// <summary>Gets the rules in force, in order.</summary>
    public IReadOnlyList<PolicyRule> Rules => _evaluator.Document.Rules;

    /// <summary>Gets the evaluator of the rules in force.</summary>
    public PolicyEvaluator Evaluator => _evaluator;

    /// <summary>Gets why the last reload failed, or <see langword="null"/> when it succeeded (or none happened).</summary>
    public string? LastReloadError { get; private set; }

    public PolicyDecision Evaluate(ApprovalAction action) => Evaluate(action, null, null, null, null);

    public PolicyDecision Evaluate(
        ApprovalAction action,
        string? agentId,
        ApprovalParty? initiator,
        IReadOnlyDictionary<string, long>? dataClasses,
        IReadOnlyDictionary<string, JsonElement>? arguments)
    {
        var facts = PolicyFacts.For(action.Kind, action.Name, action.Resource, action.Destination, action.Environment, agentId, initiator, dataClasses, arguments is null ? null : PolicyFacts.NumericArguments(arguments));
        return Decide(_evaluator.Evaluate(facts));
    }

    /// <summary>Turns an evaluation into what the approval records; the conservative reading of unknown facts.</summary>
    public PolicyDecision Decide(PolicyEvaluation evaluation)
    {
        if (evaluation.Decision is not { } rule)
        {
            return new PolicyDecision(new ApprovalPolicy { Rule = DefaultRuleName, MinApprovals = _defaultMinApprovals, ApproverGroups = [] }, _defaultTtl, null, null);
        }

        ApprovalVerdict? verdict = rule.Effect switch
        {
            PolicyEffect.Allow => ApprovalVerdict.Approve,
            PolicyEffect.Deny => ApprovalVerdict.Deny,
            _ => null,
        };
        return new PolicyDecision(
            new ApprovalPolicy { Rule = rule.Name, MinApprovals = rule.MinApprovals, ApproverGroups = rule.ApproverGroups },
            rule.Ttl ?? _defaultTtl,
            verdict,
            rule.Message);
    }

    /// <summary>Re-reads the rules file. A bad file keeps the policy in force; the reason is logged and kept in <see cref="LastReloadError"/>.</summary>
    /// <returns><see langword="true"/> when the new file is in force.</returns>
    public bool Reload()
    {
        if (_filePath is null)
        {
            return true;
        }

        lock (_reloadLock)
        {
            try
            {
                var file = PolicyDocument.Load(_filePath);
                _evaluator = new PolicyEvaluator(new PolicyDocument([.. file.Rules, .. _configuredRules], _filePath));
                LastReloadError = null;
                PolicyReloaded(_logger, _filePath, _evaluator.Document.Rules.Count);
                return true;
            }
            catch (PolicyLoadException ex)
            {
                LastReloadError = ex.Message;
                PolicyReloadFailed(_logger, ex.Message, _evaluator.Document.Rules.Count);
                return false;
            }
        }
    }

    /// <summary>Reloads the rules file shortly after it changes (editors write in several steps).</summary>
    public void Watch(TimeProvider timeProvider)
    {
        if (_filePath is null || _watcher is not null)
        {
            return;
        }

        _reloadTimer = timeProvider.CreateTimer(_ => Reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(_filePath)!, Path.GetFileName(_filePath))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += OnFileChanged;
        _watcher.Created += OnFileChanged;
        _watcher.Renamed += OnFileChanged;
        _watcher.EnableRaisingEvents = true;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _reloadTimer?.Dispose();
    }

    /// <summary>
    /// Builds the engine from the rules file (first) and the configured rules, collecting every problem with the
    /// configuration key or file position that causes it.
    /// </summary>
    public static PolicyEngine Create(ActionGuardServerOptions options, string contentRoot, ICollection<string> errors, ILogger? logger = null)
    {
        var fileRules = new List<PolicyRule>();
        string? path = null;
        if (!string.IsNullOrWhiteSpace(options.Policy.File))
        {
            path = Path.GetFullPath(Path.Combine(contentRoot, options.Policy.File));
            if (!File.Exists(path))
            {
                errors.Add($"ActionGuard:Policy:File: the rules file '{path}' does not exist.");
            }
            else
            {
                try
                {
                    fileRules.AddRange(PolicyDocument.Load(path).Rules);
                }
                catch (PolicyLoadException ex)
                {
                    errors.Add($"ActionGuard:Policy:File: {ex.Message}");
                }
            }
        }

        var names = new HashSet<string>(fileRules.Select(r => r.Name), StringComparer.Ordinal);
        var configured = new List<PolicyRule>(options.Policy.Rules.Count);
        for (var i = 0; i < options.Policy.Rules.Count; i++)
        {
            var key = $"ActionGuard:Policy:Rules:{i}";
            var rule = options.Policy.Rules[i];
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

            PolicyEffect effect = PolicyEffect.RequireApproval;
            switch (rule.Decision?.ToUpperInvariant())
            {
                case null or "REQUIRE" or "REQUIRE_APPROVAL":
                    break;
                case "ALLOW":
                    effect = PolicyEffect.Allow;
                    break;
                case "DENY":
                    effect = PolicyEffect.Deny;
                    break;
                default:
                    errors.Add($"{key}:Decision must be 'require', 'allow' or 'deny', not '{rule.Decision}'.");
                    break;
            }

            configured.Add(new PolicyRule
            {
                Name = rule.Name,
                Effect = effect,
                Message = rule.Reason,
                Kind = Glob(errors, key + ":Kind", rule.Kind),
                ActionName = Glob(errors, key + ":ActionName", rule.ActionName),
                Resource = Glob(errors, key + ":Resource", rule.Resource),
                Destination = Glob(errors, key + ":Destination", rule.Destination),
                Environment = Glob(errors, key + ":Environment", rule.Environment),
                MinApprovals = Math.Max(1, rule.MinApprovals),
                ApproverGroups = [.. rule.ApproverGroups.Where(g => !string.IsNullOrWhiteSpace(g))],
                Ttl = rule.Ttl is { } t && t > TimeSpan.Zero ? t : null,
            });
        }

        if (options.Policy.DefaultMinApprovals < 1)
        {
            errors.Add("ActionGuard:Policy:DefaultMinApprovals must be at least 1.");
        }

        // Names were checked above with their keys; a clash here means an error is already recorded.
        var document = errors.Count == 0 ? new PolicyDocument([.. fileRules, .. configured], path) : new PolicyDocument([], path);
        return new PolicyEngine(new PolicyEvaluator(document), path, configured, Math.Max(1, options.Policy.DefaultMinApprovals), options.DefaultTtl, logger ?? NullLogger.Instance);
    }

    private void OnFileChanged(object sender, FileSystemEventArgs e) => _reloadTimer?.Change(ReloadDelay, Timeout.InfiniteTimeSpan);

    private static PolicyGlob? Glob(ICollection<string> errors, string key, string? pattern)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return null;
        }

        if (PolicyGlob.TryParse(pattern, out var glob, out var error))
        {
            return glob;
        }

        errors.Add($"{key}: bad {error}.");
        return null;
    }

    [LoggerMessage(EventId = 2300, EventName = "PolicyReloaded", Level = LogLevel.Information,
        Message = "Policy reloaded from {File}: {Rules} rules in force.")]
    private static partial void PolicyReloaded(ILogger logger, string file, int rules);

    [LoggerMessage(EventId = 2301, EventName = "PolicyReloadFailed", Level = LogLevel.Error,
        Message = "Policy reload rejected, the last good policy ({Rules} rules) stays in force: {Problem}")]
    private static partial void PolicyReloadFailed(ILogger logger, string problem, int rules);
}
