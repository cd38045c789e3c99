using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Notifications.Webhooks;

/// <summary>Checks <c>ActionGuard:Notifications:Webhooks</c> at start; every message names the key at fault.</summary>
internal sealed class WebhookOptionsValidator : IValidateOptions<ActionGuardServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ActionGuardServerOptions options)
    {
        var errors = new List<string>();
        var webhooks = options.Notifications.Webhooks;
        for (var i = 0; i < webhooks.Count; i++)
        {
            var webhook = webhooks[i];
            NotificationOptionsValidator.CheckUrl(errors, $"Webhooks:{i}:Url", webhook.Url, required: true);
            if (webhook.Secret is null || webhook.Secret.Length < 16)
            {
                errors.Add($"{NotificationOptionsValidator.Prefix}Webhooks:{i}:Secret is required and must be at least 16 characters.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
