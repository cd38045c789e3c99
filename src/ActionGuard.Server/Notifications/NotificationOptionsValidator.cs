namespace ActionGuard.Server.Notifications;

/// <summary>
/// Checks the notifier's own keys of <c>ActionGuard:Notifications</c> at start; each channel checks its own section
/// with its validator. Every message names the key at fault.
/// </summary>
internal static class NotificationOptionsValidator
{
    internal const string Prefix = ActionGuardServerOptions.SectionName + ":Notifications:";

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
