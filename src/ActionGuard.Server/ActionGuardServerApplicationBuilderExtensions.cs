using ActionGuard.Client;
using System.Net;
using ActionGuard.Server.Endpoints;
using ActionGuard.Server.Notifications.Slack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server;

/// <summary>Adds the approval backend's endpoints to an application.</summary>
public static class ActionGuardServerApplicationBuilderExtensions
{
    /// <summary>
    /// Adds a problem+json error boundary, routing and every endpoint of the protocol (<c>/v1/approvals</c>,
    /// <c>/v1/audit</c>, <c>/.well-known/jwks.json</c>, <c>/healthz</c>, <c>/readyz</c>), and the approver web page at
    /// <c>/review</c> when <c>ActionGuard:Review:ClientId</c> is configured, and in development mode
    /// (<see cref="Development.DevelopmentModeServiceCollectionExtensions.AddActionGuardDevelopmentMode"/>) the
    /// development OIDC provider under <c>/dev/oidc</c> with the review page signing in there.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns>The same application builder.</returns>
    public static IApplicationBuilder UseActionGuardServer(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(static async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (!context.Response.HasStarted && ex is not OperationCanceledException)
            {
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ActionGuard.Server");
                ServerLog.Unhandled(logger, ex, context.Request.Method, context.Request.Path.Value ?? string.Empty);
                context.Response.Clear();
                await HttpHelpers.WriteProblemAsync(context, new Approvals.ApiProblem(ProtocolProblems.Internal, "The backend failed to handle the request; nothing was changed unless the audit log shows it.")).ConfigureAwait(false);
            }
        });
        app.UseForwardedHeaders(ForwardedFor(app.ApplicationServices.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value));
        app.UseRouting();
        app.UseEndpoints(static endpoints => MapEndpoints(endpoints));
        return app;
    }

    private static ForwardedHeadersOptions ForwardedFor(ActionGuardServerOptions options)
    {
        // Only the client address: the scheme and host of requests stay what Kestrel saw (set Issuer behind a proxy).
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = 1 };
        if (options.TrustedProxies.Count > 0)
        {
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var proxy in options.TrustedProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy.Trim()));
            }
        }

        return forwarded;
    }

    private static void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        ApprovalEndpoints.Map(endpoints);
        AuditEndpoints.Map(endpoints);
        SystemEndpoints.Map(endpoints);
        Notifications.Slack.SlackInteractions.Map(endpoints);
        Web.ReviewEndpoints.Map(endpoints);
        Development.DevelopmentEndpoints.Map(endpoints);
    }
}
