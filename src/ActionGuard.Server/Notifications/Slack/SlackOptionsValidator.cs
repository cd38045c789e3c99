using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Notifications.Slack;

/// <summary>Checks <c>ActionGuard:Notifications:Slack</c> at start; every message names the key at fault.</summary>
internal sealed class SlackOptionsValidator : IValidateOptions<ActionGuardServerOptions>
{
    private const string Prefix = NotificationOptionsValidator.Prefix;

    public ValidateOptionsResult Validate(string? name, ActionGuardServerOptions options)
    {
        var errors = new List<string>();
        Validate(options.Notifications.Slack, errors);

        // A link to an issuer no token can come from is a typo, and would make a second person of the same human.
        var issuers = options.Issuers.Select(i => ApprovalParty.NormalizeIssuer(i.Issuer)).ToHashSet(StringComparer.Ordinal);
        var users = options.Notifications.Slack.Users;
        for (var i = 0; i < users.Count; i++)
        {
            if (users[i].Issuer is { } issuer && !issuers.Contains(ApprovalParty.NormalizeIssuer(issuer)))
            {
                errors.Add($"{Prefix}Slack:Users:{i}:Issuer must be one of ActionGuard:Issuers.");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Validate(SlackOptions slack, List<string> errors)
    {
        NotificationOptionsValidator.CheckUrl(errors, "Slack:ApiBaseUrl", slack.ApiBaseUrl, required: true);
        if (slack.BotToken is not null && string.IsNullOrWhiteSpace(slack.Channel))
        {
            errors.Add(Prefix + "Slack:Channel is required when Slack:BotToken is set.");
        }

        if (slack.SigningSecret is not null && slack.BotToken is null)
        {
            errors.Add(Prefix + "Slack:BotToken is required when Slack:SigningSecret is set (refusals are explained with chat.postEphemeral).");
        }

        if (slack.MapUsersByEmail && slack.SigningSecret is null)
        {
            errors.Add(Prefix + "Slack:SigningSecret is required when Slack:MapUsersByEmail is true.");
        }

        if (slack.UserInfoCacheDuration < TimeSpan.Zero)
        {
            errors.Add(Prefix + "Slack:UserInfoCacheDuration must not be negative (zero turns the cache off).");
        }

        if (slack.MappedIdentityMaxAge <= TimeSpan.Zero)
        {
            errors.Add(Prefix + "Slack:MappedIdentityMaxAge must be positive.");
        }

        if (slack.MappedGroupsMaxAge <= TimeSpan.Zero)
        {
            errors.Add(Prefix + "Slack:MappedGroupsMaxAge must be positive.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < slack.Users.Count; i++)
        {
            var user = slack.Users[i];
            var key = $"{Prefix}Slack:Users:{i}:";
            if (string.IsNullOrWhiteSpace(user.SlackUserId))
            {
                errors.Add(key + "SlackUserId is required.");
            }
            else if (!ids.Add(user.SlackUserId))
            {
                errors.Add(key + "SlackUserId is linked twice.");
            }

            if (!Uri.TryCreate(user.Issuer, UriKind.Absolute, out _))
            {
                errors.Add(key + "Issuer must be the absolute URI of the identity's IdP.");
            }

            if (string.IsNullOrWhiteSpace(user.Subject))
            {
                errors.Add(key + "Subject is required.");
            }
            else if (ApprovalParty.IsPolicySubject(user.Subject))
            {
                errors.Add(key + "Subject must not start with 'policy:'.");
            }
        }
    }
}
