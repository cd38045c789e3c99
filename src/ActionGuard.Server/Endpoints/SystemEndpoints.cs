using ActionGuard.Server.Store;
using ActionGuard.Server.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Server.Endpoints;

/// <summary>JWKS, liveness and readiness: open to anyone.</summary>
internal static class SystemEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/.well-known/jwks.json", static async context =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.Headers.CacheControl = "public, max-age=60";
            var keys = context.RequestServices.GetRequiredService<ServerSigningKeys>();
            await keys.RefreshAsync(ServerSigningKeys.PublishRefreshInterval, context.RequestAborted).ConfigureAwait(false);
            await context.Response.WriteAsync(keys.GetJwks(), context.RequestAborted).ConfigureAwait(false);
        });

        endpoints.MapGet("/healthz", static context =>
            HttpHelpers.WriteJsonAsync(context, StatusCodes.Status200OK, new HealthResponse("ok"), ServerJsonContext.Default.HealthResponse));

        endpoints.MapGet("/readyz", static async context =>
        {
            var ready = await context.RequestServices.GetRequiredService<IStoreLifecycle>().PingAsync(context.RequestAborted).ConfigureAwait(false);
            await HttpHelpers.WriteJsonAsync(
                context,
                ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable,
                new HealthResponse(ready ? "ready" : "store unavailable"),
                ServerJsonContext.Default.HealthResponse).ConfigureAwait(false);
        });
    }
}
