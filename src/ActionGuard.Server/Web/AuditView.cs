using System.Globalization;
using System.Text.Json;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Audit;
using ActionGuard.Server.Identity;
using ActionGuard.Server.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Web;

/// <summary>
/// <c>/review/audit</c> for members of the auditor group: whether the audit log verifies, charts of what was requested
/// and decided, the log page by page, and <c>/review/audit/export</c>, the whole log as JSON lines.
/// </summary>
internal static class AuditView
{
    public const int RecordsPerPage = 50;
    private const int MaxRequestsCharted = 5000;
    private const int ExportBatch = 500;

    public static async Task PageAsync(HttpContext context)
    {
        if (await AuditorAsync(context, ReviewPaths.Audit).ConfigureAwait(false) is not { } caller)
        {
            return;
        }

        var after = 0L;
        var afterText = context.Request.Query["after"].ToString();
        if (afterText.Length > 0 && (!long.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out after) || after < 0))
        {
            await MessagePage.WriteAsync(context, StatusCodes.Status400BadRequest, "Not a page of the log", $"The parameter 'after' is '{afterText}'; use a record number (0 or more).", isError: true, "Open the audit view", ReviewPaths.Audit).ConfigureAwait(false);
            return;
        }

        var services = context.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var (ok, count, brokenAt) = await services.GetRequiredService<AuditVerifier>().VerifyAsync(context.RequestAborted).ConfigureAwait(false);
        var records = await services.GetRequiredService<IAuditStore>().ReadAuditAsync(after, RecordsPerPage + 1, context.RequestAborted).ConfigureAwait(false);
        var requests = await RequestsAsync(services.GetRequiredService<ApprovalService>(), context.RequestAborted).ConfigureAwait(false);
        var html = AuditPage.Render(context, caller, ReviewEndpoints.Antiforgery(context), new AuditVerification(ok, count, brokenAt), AuditStatistics.From(requests, now), records, after, now);
        await ReviewResponses.WriteHtmlAsync(context, StatusCodes.Status200OK, html).ConfigureAwait(false);
    }

    public static async Task ExportAsync(HttpContext context)
    {
        if (await AuditorAsync(context, ReviewPaths.Audit).ConfigureAwait(false) is null)
        {
            return;
        }

        ReviewResponses.ApplySecurityHeaders(context);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-ndjson; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentDisposition = "attachment; filename=\"actionguard-audit.jsonl\"";
        var store = context.RequestServices.GetRequiredService<IAuditStore>();
        var after = 0L;
        while (true)
        {
            var batch = await store.ReadAuditAsync(after, ExportBatch, context.RequestAborted).ConfigureAwait(false);
            foreach (var record in batch)
            {
                await JsonSerializer.SerializeAsync(context.Response.Body, record, ServerJsonContext.Default.AuditRecord, context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.WriteAsync("\n"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
                after = record.Seq;
            }

            if (batch.Count < ExportBatch)
            {
                return;
            }
        }
    }

    // The signed-in auditor, or null once the sign-in redirect or the refusal has been written.
    private static async Task<Caller?> AuditorAsync(HttpContext context, string returnPath)
    {
        var caller = await ReviewAuthentication.AuthenticateAsync(context).ConfigureAwait(false);
        if (caller is null)
        {
            ReviewEndpoints.RedirectToSignIn(context, returnPath);
            return null;
        }

        if (!await ReviewEndpoints.AdmitAsync(context, caller).ConfigureAwait(false))
        {
            return null;
        }

        var options = context.RequestServices.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value;
        if (!options.IsAuditor(caller))
        {
            var group = options.AuditorGroup;
            await MessagePage.WriteAsync(context, StatusCodes.Status403Forbidden, "Auditors only", $"The audit view is for members of '{group}'; your sign-in does not carry that group.", isError: true, "Open the list", ReviewPaths.Base).ConfigureAwait(false);
            return null;
        }

        return caller;
    }

    private static async Task<List<ApprovalRecord>> RequestsAsync(ApprovalService service, CancellationToken cancellationToken)
    {
        var records = new List<ApprovalRecord>();
        string? cursor = null;
        do
        {
            var page = await service.ListAsync(null, cursor, 500, cancellationToken).ConfigureAwait(false);
            records.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null && records.Count < MaxRequestsCharted);

        return records;
    }
}
