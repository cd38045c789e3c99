using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Notifications.Teams;

/// <summary>Checks <c>ActionGuard:Notifications:Teams</c> at start; every message names the key at fault.</summary>
internal sealed class TeamsOptionsValidator : IValidateOptions<ActionGuardServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ActionGuardServerOptions options)
    {
        var errors = new List<string>();
        NotificationOptionsValidator.CheckUrl(errors, "Teams:WebhookUrl", options.Notifications.Teams.WebhookUrl, required: false);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
