using System.Net;
using Microsoft.Extensions.Options;

namespace ActionGuard.DependencyInjection;

/// <summary>
/// Validates <see cref="ActionGuardOptions"/> at start: every failure names the option (as <c>ActionGuard:Key</c>) and
/// what is wrong with it, and all failures are reported at once.
/// </summary>
internal sealed class ActionGuardOptionsValidator : IValidateOptions<ActionGuardOptions>
{
    private static readonly TimeSpan MaxLongPollWait = TimeSpan.FromSeconds(60);

    public ValidateOptionsResult Validate(string? name, ActionGuardOptions options)
    {
        var failures = new List<string>();

        if (options.Endpoint is null)
        {
            failures.Add("ActionGuard:Endpoint is required: the approval backend's base address, for example https://approvals.example.com/.");
        }
        else if (!options.Endpoint.IsAbsoluteUri || options.Endpoint.Scheme is not ("https" or "http"))
        {
            failures.Add($"ActionGuard:Endpoint '{options.Endpoint}' must be an absolute http(s) address.");
        }
        else if (options.Endpoint.Scheme == "http" && !IsLoopback(options.Endpoint))
        {
            failures.Add($"ActionGuard:Endpoint '{options.Endpoint}' uses plain http to a remote host; use https (plain http is accepted on loopback only).");
        }

        if (string.IsNullOrWhiteSpace(options.AgentId))
        {
            failures.Add("ActionGuard:AgentId is required: the agent's identity, which decision tokens must name as their audience.");
        }

        if (options.ExpectedIssuer is { } issuer && string.IsNullOrWhiteSpace(issuer))
        {
            failures.Add("ActionGuard:ExpectedIssuer must not be blank; leave it unset to use the endpoint.");
        }

        if (options.DefaultTimeout <= TimeSpan.Zero)
        {
            failures.Add($"ActionGuard:DefaultTimeout must be positive (was {options.DefaultTimeout}).");
        }

        if (options.OutcomeFlushTimeout < TimeSpan.Zero || options.OutcomeFlushTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"ActionGuard:OutcomeFlushTimeout must be between 0 and 10 minutes (was {options.OutcomeFlushTimeout}).");
        }

        if (options.BackendOutageTolerance < TimeSpan.Zero || options.BackendOutageTolerance > TimeSpan.FromHours(24))
        {
            failures.Add($"ActionGuard:BackendOutageTolerance must be between 0 and 24 hours (was {options.BackendOutageTolerance}).");
        }

        if (options.LongPollWait < TimeSpan.FromSeconds(1) || options.LongPollWait > MaxLongPollWait)
        {
            failures.Add($"ActionGuard:LongPollWait must be between 1 and 60 seconds (was {options.LongPollWait}).");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add($"ActionGuard:ClockSkew must be between 0 and 5 minutes (was {options.ClockSkew}).");
        }

        if (options.SigningKeysRefreshInterval < TimeSpan.Zero || options.SigningKeysCacheDuration <= TimeSpan.Zero)
        {
            failures.Add("ActionGuard:SigningKeysRefreshInterval must not be negative and ActionGuard:SigningKeysCacheDuration must be positive.");
        }

        if (options.PolicyFile is { } policyFile)
        {
            if (options.Policy is not null)
            {
                failures.Add("ActionGuard:PolicyFile and ActionGuard:Policy are both set; set one.");
            }
            else
            {
                try
                {
                    ActionGuard.Policy.PolicyDocument.Load(policyFile);
                }
                catch (ActionGuard.Policy.PolicyLoadException ex)
                {
                    failures.Add("ActionGuard:PolicyFile: " + ex.Message);
                }
            }
        }

        if (options.AllowedSigningAlgorithms.Count == 0)
        {
            failures.Add("ActionGuard:AllowedSigningAlgorithms must name at least one algorithm, for example ES256.");
        }

        foreach (var algorithm in options.AllowedSigningAlgorithms)
        {
            // Decision tokens are verified with the backend's published public keys; a symmetric or unsigned
            // algorithm would let anyone holding the published key material forge approvals.
            if (!(algorithm.StartsWith("ES", StringComparison.Ordinal) || algorithm.StartsWith("RS", StringComparison.Ordinal) || algorithm.StartsWith("PS", StringComparison.Ordinal)))
            {
                failures.Add($"ActionGuard:AllowedSigningAlgorithms contains '{algorithm}'; only asymmetric ES*, RS* and PS* algorithms are accepted.");
            }
        }

        var resilience = options.Resilience;
        if (resilience.MaxRetryAttempts is < 0 or > 10)
        {
            failures.Add($"ActionGuard:Resilience:MaxRetryAttempts must be between 0 and 10 (was {resilience.MaxRetryAttempts}).");
        }

        if (resilience.RetryBaseDelay < TimeSpan.Zero)
        {
            failures.Add($"ActionGuard:Resilience:RetryBaseDelay must not be negative (was {resilience.RetryBaseDelay}).");
        }

        if (resilience.AttemptTimeout <= TimeSpan.Zero || resilience.TotalTimeout < resilience.AttemptTimeout)
        {
            failures.Add($"ActionGuard:Resilience:AttemptTimeout must be positive and ActionGuard:Resilience:TotalTimeout at least as long (were {resilience.AttemptTimeout} and {resilience.TotalTimeout}).");
        }

        if (resilience.CircuitBreakerFailureRatio is <= 0 or > 1)
        {
            failures.Add($"ActionGuard:Resilience:CircuitBreakerFailureRatio must be in (0, 1] (was {resilience.CircuitBreakerFailureRatio}).");
        }

        if (resilience.CircuitBreakerMinimumThroughput < 2)
        {
            failures.Add($"ActionGuard:Resilience:CircuitBreakerMinimumThroughput must be at least 2 (was {resilience.CircuitBreakerMinimumThroughput}).");
        }

        if (resilience.CircuitBreakerSamplingDuration < TimeSpan.FromMilliseconds(500) || resilience.CircuitBreakerBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            failures.Add("ActionGuard:Resilience:CircuitBreakerSamplingDuration and CircuitBreakerBreakDuration must be at least 500 ms.");
        }

        var redaction = options.Redaction;
        if (redaction.MaxStringLength < 16 || redaction.MaxCollectionItems < 1 || redaction.MaxDepth < 1)
        {
            failures.Add("ActionGuard:Redaction limits are too small: MaxStringLength must be at least 16, MaxCollectionItems and MaxDepth at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
