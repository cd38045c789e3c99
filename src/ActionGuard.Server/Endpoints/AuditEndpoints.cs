using System.Globalization;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Audit;
using ActionGuard.Server.Identity;
using ActionGuard.Server.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Server.Endpoints;

/// <summary><c>GET /v1/audit</c> and <c>GET /v1/audit/verify</c>, for auditors.</summary>
internal static class AuditEndpoints
{
    private const int MaxPageSize = 1000;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/audit", ReadAsync);
        endpoints.MapGet("/v1/audit/verify", VerifyAsync);
    }

    private static async Task ReadAsync(HttpContext context)
    {
        var (caller, problem) = await context.RequestServices.GetRequiredService<RequestGate>().AdmitAsync(context, Role.Auditor).ConfigureAwait(false);
        if (caller is null)
        {
            await HttpHelpers.WriteProblemAsync(context, problem!).ConfigureAwait(false);
            return;
        }

        var errors = new Errors();
        long after = 0;
        var afterText = context.Request.Query["after"].ToString();
        if (afterText.Length > 0 && !long.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            errors.Add("after", "after must be a sequence number (0 or more).");
        }

        var limit = 100;
        var limitText = context.Request.Query["limit"].ToString();
        if (limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxPageSize))
        {
            errors.Add("limit", $"limit must be from 1 to {MaxPageSize}.");
        }

        if (errors.Count > 0)
        {
            await HttpHelpers.WriteProblemAsync(context, errors.ToProblem()).ConfigureAwait(false);
            return;
        }

        var records = await context.RequestServices.GetRequiredService<IApprovalStore>().ReadAuditAsync(after, limit, context.RequestAborted).ConfigureAwait(false);
        long? next = records.Count == limit ? records[^1].Seq : null;
        await HttpHelpers.WriteJsonAsync(context, StatusCodes.Status200OK, new AuditPageResponse(records, next), ServerJsonContext.Default.AuditPageResponse).ConfigureAwait(false);
    }

    private static async Task VerifyAsync(HttpContext context)
    {
        var (caller, problem) = await context.RequestServices.GetRequiredService<RequestGate>().AdmitAsync(context, Role.Auditor).ConfigureAwait(false);
        if (caller is null)
        {
            await HttpHelpers.WriteProblemAsync(context, problem!).ConfigureAwait(false);
            return;
        }

        var (ok, records, broken) = await context.RequestServices.GetRequiredService<AuditVerifier>().VerifyAsync(context.RequestAborted).ConfigureAwait(false);
        await HttpHelpers.WriteJsonAsync(context, StatusCodes.Status200OK, new AuditVerifyResponse(ok, records, broken), ServerJsonContext.Default.AuditVerifyResponse).ConfigureAwait(false);
    }
}
