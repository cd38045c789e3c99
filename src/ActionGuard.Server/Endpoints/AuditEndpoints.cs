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

/// <summary>
/// <c>GET /v1/audit</c>, <c>/v1/audit/verify</c>, <c>/v1/audit/checkpoints</c> and <c>/v1/audit/proofs/…</c>, for auditors.
/// </summary>
internal static class AuditEndpoints
{
    private const int MaxPageSize = 1000;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/audit", ReadAsync);
        endpoints.MapGet("/v1/audit/verify", VerifyAsync);
        endpoints.MapGet("/v1/audit/checkpoints", CheckpointAsync);
        endpoints.MapGet("/v1/audit/proofs/inclusion", InclusionAsync);
        endpoints.MapGet("/v1/audit/proofs/consistency", ConsistencyAsync);
    }

    // A signed tree head of the log as it is now, or of its first `size` records.
    private static async Task CheckpointAsync(HttpContext context)
    {
        if (!await AdmitAsync(context).ConfigureAwait(false))
        {
            return;
        }

        var errors = new Errors();
        var size = OptionalCount(context, "size", errors);
        if (errors.Count > 0)
        {
            await HttpHelpers.WriteProblemAsync(context, errors.ToProblem()).ConfigureAwait(false);
            return;
        }

        var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ActionGuardServerOptions>>().Value;
        var checkpoint = await context.RequestServices.GetRequiredService<AuditCheckpoints>()
            .CreateAsync(size, HttpHelpers.RequestIssuer(context, options), context.RequestAborted).ConfigureAwait(false);
        if (checkpoint is null)
        {
            await HttpHelpers.WriteProblemAsync(context, ApiProblem.Validation("size", "The log has fewer records than 'size'.")).ConfigureAwait(false);
            return;
        }

        await WriteAsync(context, checkpoint.Write).ConfigureAwait(false);
    }

    private static async Task InclusionAsync(HttpContext context)
    {
        if (!await AdmitAsync(context).ConfigureAwait(false))
        {
            return;
        }

        var errors = new Errors();
        var seq = RequiredCount(context, "seq", errors);
        var size = RequiredCount(context, "size", errors);
        if (errors.Count > 0)
        {
            await HttpHelpers.WriteProblemAsync(context, errors.ToProblem()).ConfigureAwait(false);
            return;
        }

        var proof = await context.RequestServices.GetRequiredService<AuditCheckpoints>().InclusionProofAsync(seq, size, context.RequestAborted).ConfigureAwait(false);
        await WriteProofAsync(context, proof, "seq", seq, size, "'seq' must be from 1 to 'size', and 'size' at most the number of records.").ConfigureAwait(false);
    }

    private static async Task ConsistencyAsync(HttpContext context)
    {
        if (!await AdmitAsync(context).ConfigureAwait(false))
        {
            return;
        }

        var errors = new Errors();
        var from = RequiredCount(context, "from", errors);
        var size = RequiredCount(context, "size", errors);
        if (errors.Count > 0)
        {
            await HttpHelpers.WriteProblemAsync(context, errors.ToProblem()).ConfigureAwait(false);
            return;
        }

        var proof = await context.RequestServices.GetRequiredService<AuditCheckpoints>().ConsistencyProofAsync(from, size, context.RequestAborted).ConfigureAwait(false);
        await WriteProofAsync(context, proof, "from", from, size, "'from' must be from 1 to 'size', and 'size' at most the number of records.").ConfigureAwait(false);
    }

    private static async Task WriteProofAsync(HttpContext context, IReadOnlyList<byte[]>? proof, string name, long value, long size, string outOfRange)
    {
        if (proof is null)
        {
            await HttpHelpers.WriteProblemAsync(context, ApiProblem.Validation(name, outOfRange)).ConfigureAwait(false);
            return;
        }

        await WriteAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteNumber(name, value);
            w.WriteNumber("size", size);
            w.WriteStartArray("proof");
            foreach (var hash in proof)
            {
                w.WriteStringValue(Convert.ToHexStringLower(hash));
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task<bool> AdmitAsync(HttpContext context)
    {
        var (caller, problem) = await context.RequestServices.GetRequiredService<RequestGate>().AdmitAsync(context, Role.Auditor).ConfigureAwait(false);
        if (caller is null)
        {
            await HttpHelpers.WriteProblemAsync(context, problem!).ConfigureAwait(false);
            return false;
        }

        return true;
    }

    private static long? OptionalCount(HttpContext context, string name, Errors errors)
    {
        var text = context.Request.Query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            errors.Add(name, $"'{name}' must be a whole number of records.");
            return null;
        }

        return value;
    }

    private static long RequiredCount(HttpContext context, string name, Errors errors)
    {
        if (context.Request.Query[name].ToString().Length == 0)
        {
            errors.Add(name, $"'{name}' is required.");
            return 0;
        }

        return OptionalCount(context, name, errors) ?? 0;
    }

    private static Task WriteAsync(HttpContext context, Action<System.Text.Json.Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).AsTask();
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

        var records = await context.RequestServices.GetRequiredService<IAuditStore>().ReadAuditAsync(after, limit, context.RequestAborted).ConfigureAwait(false);
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
