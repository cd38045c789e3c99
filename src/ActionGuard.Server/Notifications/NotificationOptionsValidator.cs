namespace ActionGuard.Server.Notifications;

/// <summary>Checks <c>ActionGuard:Notifications</c> at start; every message names the key at fault.</summary>
internal static class NotificationOptionsValidator
{
    private const string Prefix = ActionGuardServerOptions.SectionName + ":Notifications:";

    public static void Validate(NotificationOptions options, List<string> errors)
    {
        if (options.ReminderBefore < TimeSpan.Zero)
        {
            errors.Add(Prefix + "ReminderBefore must not be negative (zero turns reminders off).");
        }

        if (options.MaxAttempts is < 1 or > 20)
        {
            errors.Add(Prefix + "MaxAttempts must be between 1 and 20.");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero)
        {
            errors.Add(Prefix + "RetryBaseDelay must not be negative.");
        }

        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            errors.Add(Prefix + "RetryMaxDelay must be at least RetryBaseDelay.");
        }

        if (options.SendTimeout <= TimeSpan.Zero)
        {
            errors.Add(Prefix + "SendTimeout must be positive.");
        }

        ValidateSlack(options.Slack, errors);
        CheckUrl(errors, "Teams:WebhookUrl", options.Teams.WebhookUrl, required: false);
        for (var i = 0; i < options.Webhooks.Count; i++)
        {
            var webhook = options.Webhooks[i];
            CheckUrl(errors, $"Webhooks:{i}:Url", webhook.Url, required: true);
            if (webhook.Secret is null || webhook.Secret.Length < 16)
            {
                errors.Add($"{Prefix}Webhooks:{i}:Secret is required and must be at least 16 characters.");
            }
        }
    }

    private static void ValidateSlack(SlackOptions slack, List<string> errors)
    {
        CheckUrl(errors, "Slack:ApiBaseUrl", slack.ApiBaseUrl, required: true);
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
            else if (user.Subject.StartsWith("policy:", StringComparison.Ordinal))
            {
                errors.Add(key + "Subject must not start with 'policy:'.");
            }
        }
    }

    internal static void CheckUrl(List<string> errors, string key, string? value, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add($"{Prefix}{key} is required.");
            }

            return;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{Prefix}{key} must be an absolute http or https URI.");
        }
    }
}
