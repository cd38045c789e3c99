using ActionGuard.Client;
using System.Globalization;
using System.Net;
using ActionGuard.Server.Approvals;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Identity;

/// <summary>
/// The server's rate limits, each a token bucket answered with 429 and <c>Retry-After</c>: requests per agent,
/// requests per approver (API, review page and Slack alike), and failed authentications per client address. An
/// address out of failures is refused before its credentials are even looked at, so guessing keys or replaying stolen
/// tokens costs an attacker minutes per handful of tries.
/// </summary>
internal sealed class RequestThrottle
{
    private readonly TokenBuckets _agents;
    private readonly TokenBuckets _approvers;
    private readonly TokenBuckets _failures;

    public RequestThrottle(TimeProvider timeProvider, IOptions<ActionGuardServerOptions> options)
    {
        var limits = options.Value.Limits;
        _agents = new TokenBuckets(timeProvider, limits.AgentRequestsPerSecond, limits.AgentBurst);
        _approvers = new TokenBuckets(timeProvider, limits.ApproverRequestsPerSecond, limits.ApproverBurst);
        _failures = new TokenBuckets(timeProvider, limits.FailedAuthenticationsPerMinute / 60.0, limits.FailedAuthenticationBurst);
    }

    /// <summary>Gets how many client addresses are being tracked for failed authentication.</summary>
    internal int TrackedAddresses => _failures.Count;

    /// <summary>Refuses a client address that has used up its failed authentications.</summary>
    public ApiProblem? CheckAddress(HttpContext context) =>
        _failures.HasToken(Address(context), out var retryAfter)
            ? null
            : Limited(retryAfter, "Too many failed authentications from this address; retry after {0} s.");

    /// <summary>Counts a failed authentication against the client's address.</summary>
    public void AuthenticationFailed(HttpContext context) => _failures.TryAcquire(Address(context), out _);

    /// <summary>Takes one request from the caller's allowance (an agent's or a person's).</summary>
    public ApiProblem? Admit(Caller caller)
    {
        if (caller.IsAgent)
        {
            return _agents.TryAcquire(caller.AgentId!, out var agentRetry)
                ? null
                : Limited(agentRetry, $"Agent '{caller.AgentId}' is over its request rate; retry after {{0}} s.");
        }

        return _approvers.TryAcquire(caller.PersonKey, out var retry)
            ? null
            : Limited(retry, "You are over the approver request rate; retry after {0} s.");
    }

    // Behind a reverse proxy this is the proxy's address unless the host applies forwarded headers first
    // (UseForwardedHeaders with its known proxies), as docs/deployment.md says.
    private static string Address(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address
            ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
            : "unknown";

    private static ApiProblem Limited(int retryAfter, string detailFormat) =>
        new(ProtocolProblems.RateLimited, string.Format(CultureInfo.InvariantCulture, detailFormat, retryAfter))
        {
            RetryAfterSeconds = retryAfter,
        };
}
