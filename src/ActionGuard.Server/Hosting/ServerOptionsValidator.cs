using System.Text.RegularExpressions;
using ActionGuard.Server.Policy;
using ActionGuard.Server.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ActionGuard.Server.Hosting;

/// <summary>Validates the configuration at start; every message names the configuration key at fault.</summary>
internal sealed partial class ServerOptionsValidator : IValidateOptions<ActionGuardServerOptions>
{
    private const string Prefix = ActionGuardServerOptions.SectionName + ":";
    private readonly IHostEnvironment _environment;

    public ServerOptionsValidator(IHostEnvironment environment)
    {
        _environment = environment;
    }

    [GeneratedRegex("^sha256:[0-9a-fA-F]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyHashPattern();

    public ValidateOptionsResult Validate(string? name, ActionGuardServerOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add(Prefix + "DataDirectory is required: the folder of the SQLite database.");
        }

        CheckStore(errors, options.Store);
        CheckUri(errors, "Issuer", options.Issuer);
        CheckUri(errors, "ReviewUrlBase", options.ReviewUrlBase);
        CheckPositive(errors, "DefaultTtl", options.DefaultTtl);
        CheckPositive(errors, "ClaimWindow", options.ClaimWindow);
        CheckPositive(errors, "TokenLifetime", options.TokenLifetime);
        if (options.TokenLifetime > TimeSpan.FromMinutes(5))
        {
            errors.Add(Prefix + "TokenLifetime must be at most 00:05:00 (the protocol's limit on decision tokens).");
        }

        if (options.KeyRotationInterval <= options.TokenLifetime)
        {
            errors.Add(Prefix + "KeyRotationInterval must be longer than TokenLifetime.");
        }

        if (string.IsNullOrWhiteSpace(options.AuditorGroup))
        {
            errors.Add(Prefix + "AuditorGroup is required.");
        }

        var issuers = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < options.Issuers.Count; i++)
        {
            CheckIssuer(errors, $"Issuers:{i}", options.Issuers[i]);
            if (options.Issuers[i].Issuer is { } issuer && !issuers.TryAdd(ApprovalParty.NormalizeIssuer(issuer), i))
            {
                errors.Add($"{Prefix}Issuers:{i}:Issuer names the same issuer as Issuers:{issuers[ApprovalParty.NormalizeIssuer(issuer)]} (issuers are compared without trailing slashes and without case in scheme and host); configure it once.");
            }
        }

        CheckPeople(errors, options.People, issuers);

        var hashes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Agents.ApiKeys.Count; i++)
        {
            var key = options.Agents.ApiKeys[i];
            if (string.IsNullOrWhiteSpace(key.AgentId))
            {
                errors.Add($"{Prefix}Agents:ApiKeys:{i}:AgentId is required.");
            }
            else if (ApprovalParty.IsPolicySubject(key.AgentId))
            {
                errors.Add($"{Prefix}Agents:ApiKeys:{i}:AgentId must not start with 'policy:'.");
            }

            if (key.KeyHash is null || !KeyHashPattern().IsMatch(key.KeyHash))
            {
                errors.Add($"{Prefix}Agents:ApiKeys:{i}:KeyHash must be 'sha256:' and the 64 hex digits of the SHA-256 of the key (for example: printf %s \"$KEY\" | sha256sum).");
            }
            else if (!hashes.Add(key.KeyHash))
            {
                errors.Add($"{Prefix}Agents:ApiKeys:{i}:KeyHash is the same key as another agent's.");
            }
        }

        if (options.Agents.Workload is { } workload)
        {
            CheckIssuer(errors, "Agents:Workload", workload);
        }

        if (string.IsNullOrWhiteSpace(options.Agents.AgentIdClaim))
        {
            errors.Add(Prefix + "Agents:AgentIdClaim is required.");
        }

        var limits = options.Limits;
        CheckAtLeastOne(errors, "Limits:MaxArguments", limits.MaxArguments);
        CheckAtLeastOne(errors, "Limits:MaxDepth", limits.MaxDepth);
        CheckAtLeastOne(errors, "Limits:MaxStringLength", limits.MaxStringLength);
        CheckAtLeastOne(errors, "Limits:MaxFieldLength", limits.MaxFieldLength);
        CheckAtLeastOne(errors, "Limits:AgentBurst", limits.AgentBurst);
        for (var i = 0; i < options.TrustedProxies.Count; i++)
        {
            if (!System.Net.IPAddress.TryParse(options.TrustedProxies[i]?.Trim(), out _))
            {
                errors.Add($"{Prefix}TrustedProxies:{i} must be an IP address (such as 10.0.0.5 or ::1).");
            }
        }

        CheckAtLeastOne(errors, "Limits:ApproverBurst", limits.ApproverBurst);
        CheckAtLeastOne(errors, "Limits:FailedAuthenticationBurst", limits.FailedAuthenticationBurst);
        CheckPositive(errors, "Limits:AgentRequestsPerSecond", limits.AgentRequestsPerSecond);
        CheckPositive(errors, "Limits:ApproverRequestsPerSecond", limits.ApproverRequestsPerSecond);
        CheckPositive(errors, "Limits:FailedAuthenticationsPerMinute", limits.FailedAuthenticationsPerMinute);

        Notifications.NotificationOptionsValidator.Validate(options.Notifications, errors); // each channel has its own validator
        CheckAudit(errors, options.Audit);
        PolicyEngine.Create(options, _environment.ContentRootPath, errors).Dispose();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    // Messages name keys, never the connection string: it may hold a password.
    private static void CheckStore(List<string> errors, StoreOptions store)
    {
        if (!store.IsPostgres && !string.Equals(store.Provider?.Trim(), StoreOptions.Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(Prefix + "Store:Provider must be 'sqlite' (the default) or 'postgres'.");
            return;
        }

        if (!store.IsPostgres)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(store.ConnectionString))
        {
            errors.Add(Prefix + "Store:ConnectionString is required when " + Prefix + "Store:Provider is 'postgres' (for example Host=db.example.com;Database=actionguard;Username=actionguard;Password=...).");
            return;
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(store.ConnectionString);
        }
        catch (ArgumentException)
        {
            errors.Add(Prefix + "Store:ConnectionString is not a valid PostgreSQL connection string (Key=Value pairs separated by ';').");
            return;
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            errors.Add(Prefix + "Store:ConnectionString must name the server: Host=....");
        }
    }

    private static void CheckIssuer(List<string> errors, string key, OidcIssuerOptions issuer)
    {
        if (!Uri.TryCreate(issuer.Issuer, UriKind.Absolute, out _))
        {
            errors.Add($"{Prefix}{key}:Issuer must be an absolute URI.");
        }

        if (string.IsNullOrWhiteSpace(issuer.Audience))
        {
            errors.Add($"{Prefix}{key}:Audience is required.");
        }

        if (issuer.MetadataAddress is not null && !Uri.TryCreate(issuer.MetadataAddress, UriKind.Absolute, out _))
        {
            errors.Add($"{Prefix}{key}:MetadataAddress must be an absolute URI.");
        }

        if (string.IsNullOrWhiteSpace(issuer.GroupsClaim))
        {
            errors.Add($"{Prefix}{key}:GroupsClaim is required.");
        }
    }

    private static void CheckUri(List<string> errors, string key, string? value)
    {
        if (value is not null && (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"{Prefix}{key} must be an absolute http or https URI.");
        }
    }

    // Links join identities at configured issuers only: a link to an issuer no token can come from is a typo.
    private static void CheckPeople(List<string> errors, PeopleOptions people, Dictionary<string, int> issuers)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var linked = new Dictionary<(string, string), int>();
        for (var i = 0; i < people.Links.Count; i++)
        {
            var link = people.Links[i];
            var key = $"{Prefix}People:Links:{i}:";
            if (string.IsNullOrWhiteSpace(link.Name))
            {
                errors.Add(key + "Name is required.");
            }
            else if (!names.Add(link.Name))
            {
                errors.Add(key + $"Name '{link.Name}' is used by another link.");
            }

            if (link.Identities.Count < 2)
            {
                errors.Add(key + "Identities must list at least two identities (issuer and subject) of the one person.");
            }

            for (var j = 0; j < link.Identities.Count; j++)
            {
                var identity = link.Identities[j];
                var identityKey = $"{key}Identities:{j}:";
                if (string.IsNullOrWhiteSpace(identity.Subject))
                {
                    errors.Add(identityKey + "Subject is required.");
                }

                if (string.IsNullOrWhiteSpace(identity.Issuer) || !issuers.ContainsKey(ApprovalParty.NormalizeIssuer(identity.Issuer)))
                {
                    errors.Add(identityKey + "Issuer must be one of ActionGuard:Issuers.");
                }
                else if (!string.IsNullOrWhiteSpace(identity.Subject) && !linked.TryAdd((ApprovalParty.NormalizeIssuer(identity.Issuer), identity.Subject), i))
                {
                    errors.Add(identityKey + $"The identity is already in People:Links:{linked[(ApprovalParty.NormalizeIssuer(identity.Issuer), identity.Subject)]}; an identity belongs to one person.");
                }
            }
        }
    }

    private static void CheckAudit(List<string> errors, AuditOptions audit)
    {
        CheckPositive(errors, "Audit:CheckpointInterval", audit.CheckpointInterval);
        if (audit.CheckpointFile is not null && string.IsNullOrWhiteSpace(audit.CheckpointFile))
        {
            errors.Add(Prefix + "Audit:CheckpointFile must be a path when set.");
        }

        var hook = audit.CheckpointWebhook;
        if (hook.Url is not null && (!Uri.TryCreate(hook.Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http")))
        {
            errors.Add(Prefix + "Audit:CheckpointWebhook:Url must be an absolute http(s) URL.");
        }

        if ((hook.Url is null) != string.IsNullOrEmpty(hook.Secret))
        {
            errors.Add(Prefix + "Audit:CheckpointWebhook needs both Url and Secret (the receiver checks the signature with it).");
        }
    }

    private static void CheckPositive(List<string> errors, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}{key} must be positive.");
        }
    }

    private static void CheckAtLeastOne(List<string> errors, string key, int value)
    {
        if (value < 1)
        {
            errors.Add($"{Prefix}{key} must be at least 1.");
        }
    }

    private static void CheckPositive(List<string> errors, string key, double value)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            errors.Add($"{Prefix}{key} must be a positive number.");
        }
    }
}
