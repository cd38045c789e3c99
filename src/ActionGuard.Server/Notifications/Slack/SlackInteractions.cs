using System.Text;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Endpoints;
using ActionGuard.Server.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Notifications.Slack;

/// <summary>
/// <c>POST /v1/integrations/slack/interactions</c>, the Slack app's Interactivity Request URL. A request counts only
/// when Slack's signature over it is valid and fresh, and the clicking Slack user is in the link table or (opted in) is
/// mapped by verified e-mail address (<see cref="SlackIdentityResolver"/>); the decision is then made as that IdP
/// identity, through the same state machine as the API (groups, self-approval, thresholds).
/// Approve decides at once; Deny opens a modal that requires a reason. Anything refused gets an ephemeral explanation
/// and changes nothing.
/// </summary>
internal static class SlackInteractions
{
    public const string Path = "/v1/integrations/slack/interactions";

    public const string NotLinked =
        "Your Slack account is not linked to an ActionGuard identity, so this did not count and nothing changed. " +
        "Ask an administrator to add you to the Slack link table, or decide on the review page.";

    public static void Map(IEndpointRouteBuilder endpoints) => endpoints.MapPost(Path, HandleAsync);

    private static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value.Notifications.Slack;
        if (options.SigningSecret is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var throttle = services.GetRequiredService<RequestThrottle>();
        if (throttle.CheckAddress(context) is { } blocked)
        {
            await HttpHelpers.WriteProblemAsync(context, blocked).ConfigureAwait(false);
            return;
        }

        var (body, problem) = await HttpHelpers.ReadBodyAsync(context).ConfigureAwait(false);
        if (problem is not null)
        {
            await HttpHelpers.WriteProblemAsync(context, problem).ConfigureAwait(false);
            return;
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (!SlackSignature.Verify(
                options.SigningSecret,
                context.Request.Headers[SlackSignature.TimestampHeader].FirstOrDefault(),
                context.Request.Headers[SlackSignature.SignatureHeader].FirstOrDefault(),
                body.Span,
                now))
        {
            throttle.AuthenticationFailed(context);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body.Span));
        JsonDocument payload;
        try
        {
            payload = JsonDocument.Parse(form.TryGetValue("payload", out var text) ? text.ToString() : string.Empty);
        }
        catch (JsonException)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using (payload)
        {
            var root = payload.RootElement;
            var userId = Text(root, "user", "id");
            var interaction = new Interaction(context, services.GetRequiredService<ApprovalService>(), services.GetRequiredService<SlackApi>(), services.GetRequiredService<SlackIdentityResolver>(), throttle, userId);
            switch (Text(root, "type"))
            {
                case "block_actions":
                    await interaction.BlockActionsAsync(root).ConfigureAwait(false);
                    break;
                case "view_submission" when Text(root, "view", "callback_id") == SlackMessages.DenyCallback:
                    await interaction.DenySubmittedAsync(root).ConfigureAwait(false);
                    break;
                default:
                    context.Response.StatusCode = StatusCodes.Status200OK;
                    break;
            }
        }
    }

    private static string? Text(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
    }

    private sealed class Interaction(HttpContext context, ApprovalService service, SlackApi api, SlackIdentityResolver resolver, RequestThrottle throttle, string? userId)
    {
        public async Task BlockActionsAsync(JsonElement root)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            if (!root.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0)
            {
                return;
            }

            var action = actions[0];
            var actionId = Text(action, "action_id");
            var approvalId = Text(action, "value");
            var channel = Text(root, "channel", "id");
            if (approvalId is null || actionId is not (SlackMessages.ApproveAction or SlackMessages.DenyAction))
            {
                return;
            }

            // Resolved before anything else, Deny included: an unmapped user must not get the reason dialog first.
            var (caller, refusal) = await resolver.ResolveAsync(userId, context.RequestAborted).ConfigureAwait(false);
            if (caller is null)
            {
                await EphemeralAsync(channel, refusal!).ConfigureAwait(false);
                return;
            }

            if (throttle.Admit(caller) is { } limited)
            {
                await EphemeralAsync(channel, limited.Detail + " Nothing changed.").ConfigureAwait(false);
                return;
            }

            if (actionId == SlackMessages.ApproveAction)
            {
                var result = await service.DecideAsync(approvalId, caller, ApprovalVerdict.Approve, null, context.RequestAborted).ConfigureAwait(false);
                await EphemeralAsync(channel, Explain(result, "approval", caller)).ConfigureAwait(false);
                return;
            }

            var approval = await service.GetAsync(approvalId, context.RequestAborted).ConfigureAwait(false);
            if (approval is not { Status: ApprovalStatus.Pending } || Text(root, "trigger_id") is not { } triggerId)
            {
                await EphemeralAsync(channel, "This request is no longer pending; nothing changed.").ConfigureAwait(false);
                return;
            }

            try
            {
                await api.CallAsync("views.open", SlackMessages.DenyModal(triggerId, approval), context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NotificationSendException or HttpRequestException)
            {
                await EphemeralAsync(channel, "The reason dialog could not be opened; nothing changed. Deny on the review page instead.").ConfigureAwait(false);
            }
        }

        public async Task DenySubmittedAsync(JsonElement root)
        {
            var approvalId = Text(root, "view", "private_metadata");
            var reason = Text(root, "view", "state", "values", SlackMessages.ReasonBlock, SlackMessages.ReasonInput, "value")?.Trim();
            var (caller, error) = await resolver.ResolveAsync(userId, context.RequestAborted).ConfigureAwait(false);
            if (caller is not null && string.IsNullOrEmpty(reason))
            {
                error = "A reason is required to deny.";
            }
            else if (caller is not null && throttle.Admit(caller) is { } limited)
            {
                error = limited.Detail + " Nothing changed.";
            }
            else if (caller is not null && approvalId is not null)
            {
                var result = await service.DecideAsync(approvalId, caller, ApprovalVerdict.Deny, reason, context.RequestAborted).ConfigureAwait(false);
                error = result is null ? "The request no longer exists; nothing changed." : result.Error is { } problem ? problem.Detail + GroupsHint(caller, problem) + " Nothing changed." : null;
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
            if (error is null)
            {
                return; // An empty 200 closes the modal.
            }

            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(ModalError(error), context.RequestAborted).ConfigureAwait(false);
        }

        private static string Explain(TransitionResult? result, string what, Caller caller) => result switch
        {
            null => "The request no longer exists; nothing changed.",
            { Error: { } problem } => $"Your {what} did not count: {problem.Detail}{GroupsHint(caller, problem)} Nothing changed.",
            { Current.Status: ApprovalStatus.Pending } => $"Your {what} was recorded; the request needs more approvals.",
            _ => $"Your {what} was recorded; the request is now {NotificationEventTypes.StatusName(result.Current.Status)}.",
        };

        private static string GroupsHint(Caller caller, ApiProblem problem) =>
            caller.GroupsUnconfirmed && problem.Type.EndsWith("/not-in-approver-group", StringComparison.Ordinal)
                ? " Your groups were last confirmed by your identity provider too long ago to count; sign in once on the review page, then try again."
                : string.Empty;

        private static byte[] ModalError(string message)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream))
            {
                w.WriteStartObject();
                w.WriteString("response_action", "errors");
                w.WriteStartObject("errors");
                w.WriteString(SlackMessages.ReasonBlock, message);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            return stream.ToArray();
        }

        private async Task EphemeralAsync(string? channel, string text)
        {
            if (channel is null || userId is null)
            {
                return;
            }

            try
            {
                await api.CallAsync("chat.postEphemeral", SlackMessages.Ephemeral(channel, userId, text), context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NotificationSendException or HttpRequestException)
            {
                // The explanation is a courtesy; the decision (or refusal) stands either way.
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SlackInteractions).FullName!);
                NotificationLog.EphemeralFailed(logger, channel);
            }
        }
    }
}
