using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Identity;
using ActionGuard.Server.Store;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Web;

/// <summary>
/// The approver web page: <c>/review</c> lists what the signed-in person may decide, <c>/review/{id}</c> shows one
/// request and takes the decision. Decisions go through <see cref="ApprovalService.DecideAsync"/>, so groups,
/// self-approval and thresholds are the API's rules exactly.
/// </summary>
internal static class ReviewEndpoints
{
    private const int PageSize = 200;
    private const int MaxScanned = 2000;

    /// <summary>Maps the page's routes when <c>ActionGuard:Review:ClientId</c> is set or development mode is on; otherwise the page does not exist.</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        // Read from configuration rather than the options, so invalid options still fail at start, not while mapping.
        var configuration = endpoints.ServiceProvider.GetRequiredService<IConfiguration>();
        // Development mode points the page at its own sign-in form when the configuration names no client.
        if (string.IsNullOrWhiteSpace(configuration[ActionGuardServerOptions.SectionName + ":Review:ClientId"])
            && endpoints.ServiceProvider.GetService<Development.DevelopmentMode>() is null)
        {
            return;
        }

        endpoints.MapGet(ReviewPaths.Base, ListAsync);
        endpoints.MapGet(ReviewPaths.Stylesheet, ReviewAssets.WriteStylesheetAsync);
        endpoints.MapGet(ReviewPaths.LiveScript, ReviewAssets.WriteLiveScriptAsync);
        endpoints.MapGet(ReviewPaths.Events, ReviewEvents.StreamAsync);
        endpoints.MapGet(ReviewPaths.Audit, AuditView.PageAsync);
        endpoints.MapGet(ReviewPaths.AuditExport, AuditView.ExportAsync);
        endpoints.MapGet(ReviewPaths.Base + "/{id}", DetailAsync);
        endpoints.MapPost(ReviewPaths.Base + "/{id}/decision", DecideAsync);
        SignInEndpoints.Map(endpoints);
    }

    /// <summary>Sends a visitor who is not signed in to the sign-in, to come back to <paramref name="returnPath"/>.</summary>
    public static void RedirectToSignIn(HttpContext context, string returnPath)
    {
        ReviewResponses.ApplySecurityHeaders(context);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Redirect(ReviewPaths.Local(context, ReviewPaths.SignIn) + "?returnUrl=" + Uri.EscapeDataString(returnPath));
    }

    /// <summary>Takes one request from the person's approver allowance; writes the 429 page when none is left.</summary>
    public static async Task<bool> AdmitAsync(HttpContext context, Caller caller)
    {
        if (context.RequestServices.GetRequiredService<RequestThrottle>().Admit(caller) is not { } limited)
        {
            return true;
        }

        context.Response.Headers.RetryAfter = limited.RetryAfterSeconds!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await MessagePage.WriteAsync(context, limited.Status, "Too many requests", limited.Detail, isError: true).ConfigureAwait(false);
        return false;
    }

    /// <summary>Checks the antiforgery token of a POSTed form (bound to the signed-in user); writes the refusal when it fails.</summary>
    public static async Task<bool> CheckFormAsync(HttpContext context, string backPath)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = ServerLimitsOptions.MaxBodyBytes;
        }

        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        bool valid;
        try
        {
            valid = context.Request.ContentLength is null or <= ServerLimitsOptions.MaxBodyBytes
                && context.Request.HasFormContentType
                && await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException)
        {
            valid = false;
        }

        if (!valid)
        {
            ReviewLog.FormRefused(Logger(context), context.Request.Path.Value ?? string.Empty);
            await MessagePage.WriteAsync(
                context,
                StatusCodes.Status400BadRequest,
                "Form not accepted",
                "The form was not accepted: it expired, was sent by another site, or belongs to another sign-in. Nothing was changed.",
                isError: true,
                "Open the page again",
                backPath).ConfigureAwait(false);
        }

        return valid;
    }

    private static async Task ListAsync(HttpContext context)
    {
        var caller = await ReviewAuthentication.AuthenticateAsync(context).ConfigureAwait(false);
        if (caller is null)
        {
            RedirectToSignIn(context, ReviewPaths.Base);
            return;
        }

        if (!await AdmitAsync(context, caller).ConfigureAwait(false))
        {
            return;
        }

        var query = ReviewQuery.Parse(context.Request.Query, out var error);
        if (error is not null)
        {
            await MessagePage.WriteAsync(context, StatusCodes.Status400BadRequest, "Not a view of the list", error, isError: true, "Open the list", ReviewPaths.Base).ConfigureAwait(false);
            return;
        }

        var service = context.RequestServices.GetRequiredService<ApprovalService>();
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var auditor = context.RequestServices.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value.IsAuditor(caller);
        var shown = new List<ApprovalRecord>();
        string? cursor = null;
        var scanned = 0;
        do
        {
            var page = await service.ListAsync(query.History ? null : ApprovalStatus.Pending, cursor, PageSize, context.RequestAborted).ConfigureAwait(false);
            foreach (var record in page.Items)
            {
                if (query.Matches(record) && (query.History ? MaySee(record, caller, auditor) : MayDecide(record, caller, now)))
                {
                    shown.Add(record);
                }
            }

            scanned += page.Items.Count;
            cursor = page.NextCursor;
        }
        while (cursor is not null && scanned < MaxScanned);

        var token = Antiforgery(context);
        var html = ListPage.Render(context, caller, token, query, [.. query.Order(shown)], now, auditor, context.RequestServices.GetRequiredService<Waiting.AgentPresence>());
        await ReviewResponses.WriteHtmlAsync(context, StatusCodes.Status200OK, html).ConfigureAwait(false);
    }

    // Pending requests the person could decide now: in its approver groups, not their own, not decided by them yet.
    private static bool MayDecide(ApprovalRecord record, Caller caller, DateTimeOffset now) =>
        record.ExpiresAt > now
        && ReviewFormat.InApproverGroups(record, caller)
        && !ApprovalStateMachine.IsInitiator(record, caller.Person!)
        && !string.Equals(record.AgentId, caller.Person!.Subject, StringComparison.Ordinal)
        && !ReviewFormat.HasDecided(record, caller);

    // Decided requests the person could have decided, decided, or reads as an auditor.
    private static bool MaySee(ApprovalRecord record, Caller caller, bool auditor) =>
        auditor || ReviewFormat.InApproverGroups(record, caller) || ReviewFormat.HasDecided(record, caller);

    private static async Task DetailAsync(HttpContext context)
    {
        var id = Id(context);
        var caller = await ReviewAuthentication.AuthenticateAsync(context).ConfigureAwait(false);
        if (caller is null)
        {
            RedirectToSignIn(context, ReviewPaths.Detail(id));
            return;
        }

        if (!await AdmitAsync(context, caller).ConfigureAwait(false))
        {
            return;
        }

        var record = await context.RequestServices.GetRequiredService<ApprovalService>().GetAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (record is null)
        {
            await NotFoundAsync(context, id).ConfigureAwait(false);
            return;
        }

        var notice = context.Request.Query["decided"].ToString() switch
        {
            "approve" when record.Status == ApprovalStatus.Pending => $"Your approval was recorded. The request still needs {ReviewFormat.Needs(record).ToLowerInvariant()}.",
            "approve" => "Your approval was recorded.",
            "deny" => "You denied this request. The agent receives your reason.",
            _ => null,
        };
        await WriteDetailAsync(context, StatusCodes.Status200OK, record, caller, notice: notice).ConfigureAwait(false);
    }

    private static async Task DecideAsync(HttpContext context)
    {
        var id = Id(context);
        var caller = await ReviewAuthentication.AuthenticateAsync(context).ConfigureAwait(false);
        if (caller is null)
        {
            RedirectToSignIn(context, ReviewPaths.Detail(id));
            return;
        }

        if (!await AdmitAsync(context, caller).ConfigureAwait(false))
        {
            return;
        }

        if (!await CheckFormAsync(context, ReviewPaths.Detail(id)).ConfigureAwait(false))
        {
            return;
        }

        var service = context.RequestServices.GetRequiredService<ApprovalService>();
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var reason = form["reason"].ToString();
        ApprovalVerdict? verdict = form["verdict"].ToString() switch
        {
            "approve" => ApprovalVerdict.Approve,
            "deny" => ApprovalVerdict.Deny,
            _ => null,
        };
        var maxReason = context.RequestServices.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value.Limits.MaxStringLength;
        string? reasonError = null;
        if (verdict == ApprovalVerdict.Deny && string.IsNullOrWhiteSpace(reason))
        {
            reasonError = "Enter a reason to deny this request. The agent and the audit log receive it.";
        }
        else if (reason.Length > maxReason)
        {
            reasonError = $"The reason may be at most {maxReason} characters long.";
        }

        if (verdict is null || reasonError is not null)
        {
            var current = await service.GetAsync(id, context.RequestAborted).ConfigureAwait(false);
            if (current is null)
            {
                await NotFoundAsync(context, id).ConfigureAwait(false);
                return;
            }

            var problem = verdict is null ? ApiProblem.Validation("verdict", "Choose Approve or Deny.") : null;
            await WriteDetailAsync(context, StatusCodes.Status400BadRequest, current, caller, problem: problem, reasonError: reasonError, reason: reason).ConfigureAwait(false);
            return;
        }

        var result = await service.DecideAsync(id, caller, verdict.Value, string.IsNullOrWhiteSpace(reason) ? null : reason, context.RequestAborted).ConfigureAwait(false);
        if (result is null)
        {
            await NotFoundAsync(context, id).ConfigureAwait(false);
            return;
        }

        if (result.Error is { } error)
        {
            await WriteDetailAsync(context, error.Status, result.Current, caller, problem: error, reason: reason).ConfigureAwait(false);
            return;
        }

        ReviewResponses.SeeOther(context, ReviewPaths.Local(context, ReviewPaths.Detail(id)) + "?decided=" + (verdict == ApprovalVerdict.Approve ? "approve" : "deny"));
    }

    private static async Task WriteDetailAsync(
        HttpContext context,
        int status,
        ApprovalRecord record,
        Caller caller,
        string? notice = null,
        ApiProblem? problem = null,
        string? reasonError = null,
        string? reason = null)
    {
        var audit = await context.RequestServices.GetRequiredService<IAuditStore>().ReadAuditForApprovalAsync(record.Id, context.RequestAborted).ConfigureAwait(false);
        var view = new DetailView
        {
            Record = record,
            Audit = audit,
            Caller = caller,
            AntiforgeryToken = Antiforgery(context),
            MaxReasonLength = context.RequestServices.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value.Limits.MaxStringLength,
            AgentGone = ReviewFormat.AgentGone(record, context.RequestServices.GetRequiredService<Waiting.AgentPresence>(), context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()),
            Notice = notice,
            Problem = problem,
            ReasonError = reasonError,
            Reason = reason,
        };
        await ReviewResponses.WriteHtmlAsync(context, status, DetailPage.Render(context, view)).ConfigureAwait(false);
    }

    private static Task NotFoundAsync(HttpContext context, string id) =>
        MessagePage.WriteAsync(context, StatusCodes.Status404NotFound, "Request not found", $"There is no request '{id}'.", isError: true, "Back to pending requests", ReviewPaths.Base);

    internal static string Antiforgery(HttpContext context) =>
        context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context).RequestToken!;

    private static string Id(HttpContext context) => (string)context.Request.RouteValues["id"]!;

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ActionGuard.Server.Web");
}
