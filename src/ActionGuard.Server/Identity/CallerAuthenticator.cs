using ActionGuard.Client;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using ActionGuard.Server.Approvals;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ActionGuard.Server.Identity;

/// <summary>
/// Turns <c>Authorization: Bearer</c> into a <see cref="Caller"/>: a JWT from the workload issuer is an agent, a JWT
/// from a configured OIDC issuer is a person, anything else is looked up as an API key by its SHA-256.
/// </summary>
internal sealed class CallerAuthenticator
{
    private readonly Dictionary<string, string> _agentsByKeyHash = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OidcTokenValidator> _people = new(StringComparer.Ordinal);
    private readonly OidcTokenValidator? _workload;
    private readonly string _agentIdClaim;
    private readonly JsonWebTokenHandler _reader = new();
    private readonly PersonDirectory _directory;
    private readonly ValidatedTokenCache _validated;

    public CallerAuthenticator(IOptions<ActionGuardServerOptions> options, TimeProvider timeProvider, IHttpClientFactory httpClientFactory, PersonDirectory directory)
    {
        _directory = directory;
        _validated = new ValidatedTokenCache(timeProvider);
        var value = options.Value;
        foreach (var key in value.Agents.ApiKeys)
        {
            _agentsByKeyHash[key.KeyHash!["sha256:".Length..].ToLowerInvariant()] = key.AgentId!;
        }

        foreach (var issuer in value.Issuers)
        {
            _people[Normalize(issuer.Issuer!)] = new OidcTokenValidator(issuer, timeProvider, httpClientFactory.CreateClient(HttpClientName));
        }

        if (value.Agents.Workload is { Issuer: not null } workload)
        {
            _workload = new OidcTokenValidator(workload, timeProvider, httpClientFactory.CreateClient(HttpClientName));
        }

        _agentIdClaim = value.Agents.AgentIdClaim;
    }

    /// <summary>The named client that fetches discovery documents and JWKS.</summary>
    public const string HttpClientName = "ActionGuard.Server.Oidc";

    public static string HashApiKey(string apiKey) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    public async Task<(Caller? Caller, ApiProblem? Problem)> AuthenticateAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return (null, Unauthorized("An 'Authorization: Bearer' token is required."));
        }

        var token = header[7..].Trim();
        if (_validated.TryGet(token, out var known))
        {
            return (known, null);
        }

        if (_reader.CanReadToken(token))
        {
            string? issuer;
            DateTime validTo;
            try
            {
                var jwt = _reader.ReadJsonWebToken(token);
                issuer = jwt.Issuer;
                validTo = jwt.ValidTo;
            }
            catch (ArgumentException)
            {
                return (null, Unauthorized("The bearer token cannot be parsed."));
            }

            if (_workload is not null && Normalize(issuer) == Normalize(_workload.Issuer))
            {
                var identity = await _workload.ValidateAsync(token).ConfigureAwait(false);
                var agentId = identity?.FindFirst(_agentIdClaim)?.Value;
                return string.IsNullOrEmpty(agentId)
                    ? (null, Unauthorized("The workload token is not valid."))
                    : (Caller.Agent(agentId), null);
            }

            if (_people.TryGetValue(Normalize(issuer), out var validator))
            {
                var identity = await validator.ValidateAsync(token).ConfigureAwait(false);
                var caller = identity is null ? null : ToPerson(identity, validator);
                if (caller is null || string.IsNullOrEmpty(caller.Person!.Subject))
                {
                    return (null, Unauthorized("The token is not valid (signature, issuer, audience, lifetime or subject)."));
                }

                if (validTo > DateTime.MinValue)
                {
                    _validated.Add(token, caller, new DateTimeOffset(DateTime.SpecifyKind(validTo, DateTimeKind.Utc)));
                }

                return (caller, null);
            }

            return (null, Unauthorized($"Tokens from issuer '{issuer}' are not accepted."));
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        return _agentsByKeyHash.TryGetValue(hash, out var agent)
            ? (Caller.Agent(agent), null)
            : (null, Unauthorized("The API key is not known."));
    }

    /// <summary>
    /// Validates an initiator's ID token (signature, issuer and lifetime; its audience is the agent's app, not this
    /// backend) and returns the person it proves.
    /// </summary>
    public async Task<ApprovalParty?> ValidateInitiatorAsync(string token)
    {
        if (!_reader.CanReadToken(token))
        {
            return null;
        }

        string? issuer;
        try
        {
            issuer = _reader.ReadJsonWebToken(token).Issuer;
        }
        catch (ArgumentException)
        {
            return null;
        }

        if (!_people.TryGetValue(Normalize(issuer), out var validator))
        {
            return null;
        }

        var identity = await validator.ValidateAsync(token, validateAudience: false).ConfigureAwait(false);
        return identity is null ? null : ToPerson(identity, validator).Person;
    }

    /// <summary>
    /// The e-mail address of a validated ID or access token when the identity provider marked it verified; an address
    /// it did not verify is not the person's and is dropped, since addresses join identities into one person.
    /// </summary>
    public static string? VerifiedEmail(ClaimsIdentity identity) =>
        identity.FindFirst("email")?.Value is { Length: > 0 } email
        // IdPs send the claim as a JSON boolean or, some of them, as the string "true".
        && string.Equals(identity.FindFirst("email_verified")?.Value, "true", StringComparison.OrdinalIgnoreCase)
            ? email
            : null;

    private Caller ToPerson(ClaimsIdentity identity, OidcTokenValidator validator)
    {
        var groups = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in identity.FindAll(validator.Options.GroupsClaim))
        {
            groups.Add(claim.Value);
        }

        var person = new ApprovalParty
        {
            Issuer = validator.Issuer,
            Subject = identity.FindFirst("sub")?.Value ?? string.Empty,
            Name = identity.FindFirst("name")?.Value,
            Email = VerifiedEmail(identity),
        };
        return Caller.ForPerson(_directory.Resolve(person), groups, emailVerified: person.Email is not null);
    }

    private static string Normalize(string? issuer) => ApprovalParty.NormalizeIssuer(issuer);

    private static ApiProblem Unauthorized(string detail) =>
        new(ProtocolProblems.Unauthorized, detail);
}
