using System.Net;
using System.Security.Cryptography;
using System.Text;
using ActionGuard.Server.Policy;
using ActionGuard.Server.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Server.Development;

/// <summary>
/// The development OIDC provider under <c>/dev/oidc</c>: discovery, JWKS, the sign-in form (<c>authorize</c>) and the
/// token endpoint (authorization code, one-time and short-lived, PKCE S256, the development client only). Mapped only
/// in development mode, and answering only on loopback connections.
/// </summary>
internal static class DevelopmentEndpoints
{
    private static readonly TimeSpan IdTokenLifetime = TimeSpan.FromMinutes(5);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<DevelopmentMode>() is null)
        {
            return;
        }

        const string Base = DevelopmentIssuer.PathBase;
        endpoints.MapGet(Base + "/.well-known/openid-configuration", context => Loopback(context, DiscoveryAsync));
        endpoints.MapGet(Base + "/jwks", context => Loopback(context, JwksAsync));
        endpoints.MapGet(Base + "/authorize", context => Loopback(context, AuthorizeAsync));
        endpoints.MapPost(Base + "/authorize", context => Loopback(context, SignInAsync));
        endpoints.MapPost(Base + "/token", context => Loopback(context, TokenAsync));
    }

    // Belt and braces: the server refuses to start on other addresses, and these endpoints refuse other connections.
    private static Task Loopback(HttpContext context, Func<HttpContext, Task> handler)
    {
        if (context.Connection.LocalIpAddress is not { } local || !IPAddress.IsLoopback(local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return handler(context);
    }

    private static Task DiscoveryAsync(HttpContext context) =>
        WriteJsonAsync(context, StatusCodes.Status200OK, Issuer(context).DiscoveryJson());

    private static Task JwksAsync(HttpContext context) =>
        WriteJsonAsync(context, StatusCodes.Status200OK, Issuer(context).JwksJson());

    private static Task AuthorizeAsync(HttpContext context)
    {
        var request = AuthorizationRequest.Read(name => context.Request.Query[name].ToString());
        return RenderAsync(context, request, SignInForm.Empty);
    }

    private static async Task SignInAsync(HttpContext context)
    {
        if (!await ReviewEndpoints.CheckFormAsync(context, ReviewPaths.SignIn).ConfigureAwait(false))
        {
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var request = AuthorizationRequest.Read(name => form[name].ToString());
        var entered = SignInForm.Read(form);
        if (!entered.IsValid)
        {
            await RenderAsync(context, request, entered).ConfigureAwait(false);
            return;
        }

        if (request.Problem(context) is { } problem)
        {
            await RefuseAsync(context, problem).ConfigureAwait(false);
            return;
        }

        var codes = context.RequestServices.GetRequiredService<AuthorizationCodes>();
        var groups = entered.Groups;
        var code = codes.Issue(new AuthorizationGrant(
            entered.UserName,
            groups,
            request.ClientId,
            request.RedirectUri,
            request.Nonce.Length == 0 ? null : request.Nonce,
            request.CodeChallenge,
            codes.NewExpiry()));
        if (code is null)
        {
            await MessagePage.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Sign-in unavailable", "Too many sign-ins are in progress. Try again in a minute.", isError: true, "Try again", ReviewPaths.SignIn).ConfigureAwait(false);
            return;
        }

        DevelopmentLog.SignedIn(Logger(context), entered.UserName, string.Join(',', groups));
        ReviewResponses.SeeOther(context, QueryHelpers.AddQueryString(request.RedirectUri, new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["code"] = code,
            ["state"] = request.State,
        }));
    }

    private static async Task RenderAsync(HttpContext context, AuthorizationRequest request, SignInForm form)
    {
        if (request.Problem(context) is { } problem)
        {
            await RefuseAsync(context, problem).ConfigureAwait(false);
            return;
        }

        var token = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context).RequestToken!;
        var html = DevelopmentSignInPage.Render(context, request, token, KnownGroups(context), form);

        // The form's answer redirects to the callback, which may be another loopback name (localhost or 127.0.0.1).
        var callback = new Uri(request.RedirectUri).GetLeftPart(UriPartial.Authority);
        await ReviewResponses.WriteHtmlAsync(context, form.IsValid ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest, html, formAction: callback).ConfigureAwait(false);
    }

    private static Task RefuseAsync(HttpContext context, string problem)
    {
        DevelopmentLog.AuthorizeRefused(Logger(context), problem);
        return MessagePage.WriteAsync(context, StatusCodes.Status400BadRequest, "Sign-in request refused", problem, isError: true, "Start the sign-in again", ReviewPaths.SignIn);
    }

    private static async Task TokenAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType || context.Request.ContentLength is > ServerLimitsOptions.MaxBodyBytes)
        {
            await TokenErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_request", "the body is not a form").ConfigureAwait(false);
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        if (!string.Equals(form["grant_type"].ToString(), "authorization_code", StringComparison.Ordinal))
        {
            await TokenErrorAsync(context, StatusCodes.Status400BadRequest, "unsupported_grant_type", "only authorization_code").ConfigureAwait(false);
            return;
        }

        // The development client is public: it is named in the form (PKCE stands in for a secret).
        var clientId = form["client_id"].ToString();
        if (!string.Equals(clientId, DevelopmentIssuer.Audience, StringComparison.Ordinal))
        {
            await TokenErrorAsync(context, StatusCodes.Status401Unauthorized, "invalid_client", "unknown client").ConfigureAwait(false);
            return;
        }

        // Redeeming removes the code first, so a code that fails any check below cannot be tried again.
        var grant = context.RequestServices.GetRequiredService<AuthorizationCodes>().Redeem(form["code"].ToString());
        string? failure = grant switch
        {
            null => "unknown, used or expired code",
            _ when !string.Equals(grant.ClientId, clientId, StringComparison.Ordinal) => "code issued to another client",
            _ when !string.Equals(grant.RedirectUri, form["redirect_uri"].ToString(), StringComparison.Ordinal) => "redirect_uri differs from the authorization request",
            _ when !VerifierMatches(form["code_verifier"].ToString(), grant.CodeChallenge) => "PKCE code_verifier does not match the code_challenge",
            _ => null,
        };
        if (failure is not null)
        {
            await TokenErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_grant", failure).ConfigureAwait(false);
            return;
        }

        var issuer = Issuer(context);
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var idClaims = issuer.NewClaims(grant!.Subject, clientId, grant.Groups, grant.Subject, email: null, now, IdTokenLifetime);
        idClaims["azp"] = clientId;
        if (grant.Nonce is not null)
        {
            idClaims["nonce"] = grant.Nonce;
        }

        var idToken = issuer.Sign(idClaims);
        var accessToken = issuer.MintToken(grant.Subject, grant.Groups, grant.Subject, email: null, now, IdTokenLifetime);
        var json = DevelopmentIssuer.Serialize(w =>
        {
            w.WriteStartObject();
            w.WriteString("access_token", accessToken);
            w.WriteString("token_type", "Bearer");
            w.WriteNumber("expires_in", (long)IdTokenLifetime.TotalSeconds);
            w.WriteString("id_token", idToken);
            w.WriteString("scope", "openid profile");
            w.WriteEndObject();
        });
        await WriteJsonAsync(context, StatusCodes.Status200OK, json).ConfigureAwait(false);
    }

    private static bool VerifierMatches(string verifier, string challenge) =>
        AuthorizationRequest.IsValidVerifier(verifier)
        && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))),
            Encoding.ASCII.GetBytes(challenge));

    private static Task TokenErrorAsync(HttpContext context, int status, string error, string reason)
    {
        DevelopmentLog.TokenRefused(Logger(context), error, reason);
        return WriteJsonAsync(context, status, DevelopmentIssuer.Serialize(w =>
        {
            w.WriteStartObject();
            w.WriteString("error", error);
            w.WriteString("error_description", reason);
            w.WriteEndObject();
        }));
    }

    // The groups a person may need here: the policy's approver groups and the auditor group.
    private static List<string> KnownGroups(HttpContext context)
    {
        var groups = new List<string>();
        foreach (var rule in context.RequestServices.GetRequiredService<PolicyEngine>().Rules)
        {
            groups.AddRange(rule.ApproverGroups);
        }

        groups.Add(context.RequestServices.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value.AuditorGroup);
        return [.. groups.Where(g => !string.IsNullOrWhiteSpace(g)).Distinct(StringComparer.Ordinal)];
    }

    private static DevelopmentIssuer Issuer(HttpContext context) => context.RequestServices.GetRequiredService<DevelopmentIssuer>();

    private static Task WriteJsonAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        return context.Response.WriteAsync(json, context.RequestAborted);
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ActionGuard.Server.Development");
}
