using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Server.Approvals;
using ActionGuard.Server.Identity;
using ActionGuard.Server.Waiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Endpoints;

/// <summary>The <c>/v1/approvals</c> endpoints of the protocol.</summary>
internal static class ApprovalEndpoints
{
    private const int MaxWaitSeconds = 60;
    private const int MaxPageSize = 200;
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/approvals", CreateAsync);
        endpoints.MapGet("/v1/approvals", ListAsync);
        endpoints.MapGet("/v1/approvals/{id}", GetAsync);
        endpoints.MapGet("/v1/approvals/{id}/events", EventsAsync);
        endpoints.MapPost("/v1/approvals/{id}/decisions", DecideAsync);
        endpoints.MapPost("/v1/approvals/{id}/claim", ClaimAsync);
        endpoints.MapPost("/v1/approvals/{id}/outcome", OutcomeAsync);
        endpoints.MapPost("/v1/approvals/{id}/cancel", CancelAsync);
        endpoints.MapPost("/v1/outcomes", OutcomesAsync);
    }

    private static async Task CreateAsync(HttpContext context)
    {
        var (caller, problem) = await Gate(context).AdmitAsync(context, Role.Agent).ConfigureAwait(false);
        if (caller is null)
        {
            await HttpHelpers.WriteProblemAsync(context, problem!).ConfigureAwait(false);
            return;
        }

        var idempotencyKey = context.Request.Headers["Idempotency-Key"].ToString();
        var (body, bodyProblem) = await HttpHelpers.ReadBodyAsync(context).ConfigureAwait(false);
        if (bodyProblem is not null)
        {
            await HttpHelpers.WriteProblemAsync(context, bodyProblem).ConfigureAwait(false);
            return;
        }

        var options = Options(context);
        var reader = new RequestReader(options.Limits);
        var errors = new Errors();
        RequestReader.CheckIdempotencyKey(idempotencyKey, errors);

        using var document = RequestReader.Parse(body, out var parseProblem);
        if (document is null)
        {
            await HttpHelpers.WriteProblemAsync(context, parseProblem!).ConfigureAwait(false);
            return;
        }

        var command = reader.ReadCreate(document.RootElement, errors);
        if (errors.Count > 0 || command is null)
        {
            await HttpHelpers.WriteProblemAsync(context, errors.ToProblem()).ConfigureAwait(false);
            return;
        }

        var service = Service(context);
        var issuer = HttpHelpers.RequestIssuer(context, options);
        var (record, created, createProblem) = await service.CreateAsync(caller.AgentId!, idempotencyKey, command, issuer, context.RequestAborted).ConfigureAwait(false);
        if (record is null)
        {
            await HttpHelpers.WriteProblemAsync(context, createProblem!).ConfigureAwait(false);
            return;
        }

        if (created)
        {
            context.Response.Headers.Location = "/v1/approvals/" + Uri.EscapeDataString(record.Id);
        }

        if (record.Status == ApprovalStatus.Pending)
        {
            Presence(context).Seen(record.Id);
        }

        var (current, token) = await service.ClaimAtCreationAsync(record, created, command, caller.AgentId!, issuer, context.RequestAborted).ConfigureAwait(false);
        await HttpHelpers.WriteJsonAsync(
            context,
            created ? StatusCodes.Status201Created : StatusCodes.Status200OK,
            current.ToApproval(service.ReviewUrlBase, token),
            ServerJsonContext.Default.Approval).ConfigureAwait(false);
    }

    private static async Task GetAsync(HttpContext context)
    {
        var (caller, problem) = await Gate(context).AdmitAsync(context, Role.AgentOrApprover).ConfigureAwait(false);
        if (caller is null)
        {
            await HttpHelpers.WriteProblemAsync(context, problem!).ConfigureAwait(false);
            return;
        }

        var id = Id(context);
        var waitText = context.Request.Query["wait"].ToString();
        var wait = TimeSpan.Zero;
        if (waitText.Length > 0)
        {
            if (!int.TryParse(waitText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > MaxWaitSeconds)
            {
                await HttpHelpers.WriteProblemAsync(context, ApiProblem.Validation("wait", $"wait must be whole seconds from 0 to {MaxWaitSeconds}.")).ConfigureAwait(false);
                return;
            }

            wait = TimeSpan.FromSeconds(seconds);
        }

        var service = Service(context);
        var record = wait > TimeSpan.Zero
            ? await service.WaitAsync(id, wait, r => MayRead(caller, r), context.RequestAborted).ConfigureAwait(false)
            : await service.GetAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (record is null)
        {
            await HttpHelpers.WriteProblemAsync(context, ApiProblem.NotFound(id)).ConfigureAwait(false);
            return;
        }

        if (!MayRead(caller, record))
        {
            await HttpHelpers.WriteProblemAsync(context, ApiProblem.NotOwner(id)).ConfigureAwait(false);
            return;
        }

        if (caller.IsAgent && record.Status == ApprovalStatus.Pending)
        {
            Presence(context).Seen(id);
        }

        await WriteApprovalAsync(context, StatusCodes.Status200OK, record).ConfigureAwait(false);
    }

    private static async Task EventsAsync(HttpContext context)
    {
        var (caller, problem) = await Gate(context).AdmitAsync(context, Role.AgentOrApprover).ConfigureAwait(false);
        if (caller is null)
        {
            await HttpHelpers.WriteProblemAsync(context, problem!).ConfigureAwait(false);
            return;
        }

        var id = Id(context);
        var service = Service(context);

        // Existence and ownership first: a stream on an id that does not exist, or is not the caller's, registers nothing.
        var record = await service.GetAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (record is null)
        {
            await HttpHelpers.WriteProblemAsync(context, ApiProblem.NotFound(id)).ConfigureAwait(false);
            return;
        }

        if (!MayRead(caller, record))
        {
            await HttpHelpers.WriteProblemAsync(context, ApiProblem.NotOwner(id)).ConfigureAwait(false);
            return;
        }

        if (caller.IsAgent && record.Status == ApprovalStatus.Pending)
        {
            Presence(context).Seen(id);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var reviewUrlBase = service.ReviewUrlBase;
        var cancellationToken = context.RequestAborted;
        try
        {
            string? lastSent = null;
            await foreach (var change in service.WatchAsync(id, KeepAliveInterval, cancellationToken).ConfigureAwait(false))
            {
                if (change is null)
                {
                    if (caller.IsAgent)
                    {
                        // An agent's open stream is an agent still waiting.
                        Presence(context).Seen(id);
                    }

                    await context.Response.WriteAsync(": keep-alive\n\n", Encoding.UTF8, cancellationToken).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var json = JsonSerializer.Serialize(change.ToApproval(reviewUrlBase), ServerJsonContext.Default.Approval);
                if (!string.Equals(json, lastSent, StringComparison.Ordinal))
                {
                    await context.Response.WriteAsync("event: approval\ndata: " + json + "\n\n", Encoding.UTF8, cancellationToken).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                    lastSent = json;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static async Task ListAsync(HttpContext context)
    {
        var (caller, problem) = await Gate(context).AdmitAsync(context, Role.Approver).ConfigureAwait(false);
        if (caller is null)
        {
            await HttpHelpers.WriteProblemAsync(context, problem!).ConfigureAwait(false);
            return;
        }

        var errors = new Errors();
        ApprovalStatus? status = null;
        var statusText = context.Request.Query["status"].ToString();
        if (statusText.Length > 0)
        {
            if (Enum.TryParse<ApprovalStatus>(statusText, ignoreCase: true, out var parsed) && !int.TryParse(statusText, CultureInfo.InvariantCulture, out _))
            {
                status = parsed;
            }
            else
            {
                errors.Add("status", "status must be one of pending, approved, denied, expired, cancelled, executing, succeeded, failed.");
            }
        }

        var cursor = context.Request.Query["cursor"].ToString();
        if (cursor.Length > 0 && !long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            errors.Add("cursor", "cursor must be the nextCursor of a previous page.");
        }

        var limit = 50;
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

        var service = Service(context);
        var page = await service.ListAsync(status, cursor.Length > 0 ? cursor : null, limit, context.RequestAborted).ConfigureAwait(false);
        var items = page.Items.Select(r => r.ToApproval(service.ReviewUrlBase)).ToList();
        await HttpHelpers.WriteJsonAsync(context, StatusCodes.Status200OK, new ApprovalListResponse(items, page.NextCursor), ServerJsonContext.Default.ApprovalListResponse).ConfigureAwait(false);
    }

    private static async Task DecideAsync(HttpContext context)
    {
        var (caller, problem) = await Gate(context).AdmitAsync(context, Role.Approver).ConfigureAwait(false);
        if (caller is null)
        {
            await HttpHelpers.WriteProblemAsync(context, problem!).ConfigureAwait(false);
            return;
        }

        using var document = await ReadJsonBodyAsync(context).ConfigureAwait(false);
        if (document is null)
        {
            return;
        }

        var errors = new Errors();
        var decision = new RequestReader(Options(context).Limits).ReadDecision(document.RootElement, errors);
        if (decision is not { } valid)
        {
            await HttpHelpers.WriteProblemAsync(context, errors.ToProblem()).ConfigureAwait(false);
            return;
        }

        var result = await Service(context).DecideAsync(Id(context), caller, valid.Verdict, valid.Reason, context.RequestAborted).ConfigureAwait(false);
        await WriteResultAsync(context, result).ConfigureAwait(false);
    }

    private static async Task ClaimAsync(HttpContext context)
    {
        var (caller, problem) = await Gate(context).AdmitAsync(context, Role.Agent).ConfigureAwait(false);
        if (caller is null)
        {
            await HttpHelpers.WriteProblemAsync(context, problem!).ConfigureAwait(false);
            return;
        }

        var issuer = HttpHelpers.RequestIssuer(context, Options(context));
        var (result, token) = await Service(context).ClaimAsync(Id(context), caller.AgentId!, issuer, context.RequestAborted).ConfigureAwait(false);
        if (result is null || result.Error is not null || token is null)
        {
            await WriteResultAsync(context, result).ConfigureAwait(false);
            return;
        }

        await HttpHelpers.WriteJsonAsync(context, StatusCodes.Status200OK, new ClaimResult { DecisionToken = token }, ServerJsonContext.Default.ClaimResult).ConfigureAwait(false);
    }

    private static async Task OutcomeAsync(HttpContext context)
    {
        var (caller, problem) = await Gate(context).AdmitAsync(context, Role.Agent).ConfigureAwait(false);
        if (caller is null)
        {
            await HttpHelpers.WriteProblemAsync(context, problem!).ConfigureAwait(false);
            return;
        }

        using var document = await ReadJsonBodyAsync(context).ConfigureAwait(false);
        if (document is null)
        {
            return;
        }

        var errors = new Errors();
        var outcome = new RequestReader(Options(context).Limits).ReadOutcome(document.RootElement, errors);
        if (outcome is not { } valid)
        {
            await HttpHelpers.WriteProblemAsync(context, errors.ToProblem()).ConfigureAwait(false);
            return;
        }

        var result = await Service(context).ReportOutcomeAsync(Id(context), caller.AgentId!, valid.Status, valid.Error, context.RequestAborted).ConfigureAwait(false);
        await WriteResultAsync(context, result).ConfigureAwait(false);
    }

    // Several outcomes in one request, committed together: each item is answered as its own outcome report would be.
    private static async Task OutcomesAsync(HttpContext context)
    {
        var (caller, problem) = await Gate(context).AdmitAsync(context, Role.Agent).ConfigureAwait(false);
        if (caller is null)
        {
            await HttpHelpers.WriteProblemAsync(context, problem!).ConfigureAwait(false);
            return;
        }

        using var document = await ReadJsonBodyAsync(context).ConfigureAwait(false);
        if (document is null)
        {
            return;
        }

        var errors = new Errors();
        var outcomes = new RequestReader(Options(context).Limits).ReadOutcomes(document.RootElement, errors);
        if (outcomes is null)
        {
            await HttpHelpers.WriteProblemAsync(context, errors.ToProblem()).ConfigureAwait(false);
            return;
        }

        var results = await Service(context).ReportOutcomesAsync(caller.AgentId!, outcomes, context.RequestAborted).ConfigureAwait(false);
        var buffer = new ArrayBufferWriter<byte>(64 * outcomes.Count);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("results");
            for (var i = 0; i < results.Length; i++)
            {
                var id = outcomes[i].ApprovalId;
                writer.WriteStartObject();
                writer.WriteString("approvalId", id);
                if (results[i] is not { } result)
                {
                    writer.WritePropertyName("problem");
                    HttpHelpers.WriteProblem(writer, ApiProblem.NotFound(id), context.Request.Path.Value);
                }
                else if (result.Error is { } error)
                {
                    writer.WritePropertyName("problem");
                    HttpHelpers.WriteProblem(writer, error, context.Request.Path.Value);
                }
                else
                {
                    writer.WriteString("status", ApprovalStateMachine.StatusName(result.Current.Status));
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task CancelAsync(HttpContext context)
    {
        var (caller, problem) = await Gate(context).AdmitAsync(context, Role.Agent).ConfigureAwait(false);
        if (caller is null)
        {
            await HttpHelpers.WriteProblemAsync(context, problem!).ConfigureAwait(false);
            return;
        }

        var result = await Service(context).CancelAsync(Id(context), caller.AgentId!, context.RequestAborted).ConfigureAwait(false);
        await WriteResultAsync(context, result).ConfigureAwait(false);
    }

    private static AgentPresence Presence(HttpContext context) => context.RequestServices.GetRequiredService<AgentPresence>();

    private static bool MayRead(Caller caller, ApprovalRecord record) =>
        !caller.IsAgent || string.Equals(caller.AgentId, record.AgentId, StringComparison.Ordinal);

    /// <summary>Reads the request body as JSON within the body limit, or writes the problem and returns null.</summary>
    private static async Task<JsonDocument?> ReadJsonBodyAsync(HttpContext context)
    {
        var (body, problem) = await HttpHelpers.ReadBodyAsync(context).ConfigureAwait(false);
        var document = problem is null ? RequestReader.Parse(body, out problem) : null;
        if (document is null)
        {
            await HttpHelpers.WriteProblemAsync(context, problem!).ConfigureAwait(false);
        }

        return document;
    }

    private static async Task WriteResultAsync(HttpContext context, TransitionResult? result)
    {
        if (result is null)
        {
            await HttpHelpers.WriteProblemAsync(context, ApiProblem.NotFound(Id(context))).ConfigureAwait(false);
        }
        else if (result.Error is { } error)
        {
            await HttpHelpers.WriteProblemAsync(context, error).ConfigureAwait(false);
        }
        else
        {
            await WriteApprovalAsync(context, StatusCodes.Status200OK, result.Current).ConfigureAwait(false);
        }
    }

    private static Task WriteApprovalAsync(HttpContext context, int status, ApprovalRecord record) =>
        HttpHelpers.WriteJsonAsync(context, status, record.ToApproval(Service(context).ReviewUrlBase), ServerJsonContext.Default.Approval);

    private static string Id(HttpContext context) => (string)context.Request.RouteValues["id"]!;

    private static RequestGate Gate(HttpContext context) => context.RequestServices.GetRequiredService<RequestGate>();

    private static ApprovalService Service(HttpContext context) => context.RequestServices.GetRequiredService<ApprovalService>();

    private static ActionGuardServerOptions Options(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value;
}
