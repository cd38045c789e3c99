using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Web;

/// <summary>
/// Sign-in with the organisation's identity provider (authorization code + PKCE, by hand) and sign-out.
/// <c>/review/signin</c> keeps state, nonce and verifier in a short-lived data-protected cookie and redirects to the
/// authorization endpoint; <c>/review/callback</c> checks the state, redeems the code with the verifier, validates the
/// id token and starts the cookie session.
/// </summary>
internal static class SignInEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ReviewPaths.SignIn, SignInAsync);
        endpoints.MapGet(ReviewPaths.Callback, CallbackAsync);
        endpoints.MapPost(ReviewPaths.SignOut, SignOutAsync);
        endpoints.MapGet(ReviewPaths.SignedOut, SignedOutAsync);
    }

    private static async Task SignInAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value;
        var returnPath = context.Request.Query["returnUrl"].ToString();
        if (!ReviewPaths.IsLocalReviewPath(returnPath))
        {
            returnPath = ReviewPaths.Base;
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var state = SignInState.Create(returnPath, now + options.Review.SignInTimeout);
        var (url, failure) = await services.GetRequiredService<OidcCodeFlow>().AuthorizationUrlAsync(state, RedirectUri(context, options), context.RequestAborted).ConfigureAwait(false);
        if (url is null)
        {
            ReviewLog.SignInRefused(Logger(context), failure!);
            await MessagePage.WriteAsync(context, StatusCodes.Status502BadGateway, "Sign-in unavailable", failure + " Try again later or ask an administrator.", isError: true, "Try again", ReviewPaths.SignIn).ConfigureAwait(false);
            return;
        }

        context.Response.Cookies.Append(ReviewServices.SignInCookie, state.Protect(services.GetRequiredService<IDataProtectionProvider>()), StateCookie(context, options, options.Review.SignInTimeout));
        ReviewResponses.ApplySecurityHeaders(context);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Redirect(url);
    }

    private static async Task CallbackAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();

        // The state cookie is good for one callback, whatever its outcome.
        var cookie = context.Request.Cookies[ReviewServices.SignInCookie];
        context.Response.Cookies.Delete(ReviewServices.SignInCookie, StateCookie(context, options, maxAge: null));

        var state = SignInState.Unprotect(services.GetRequiredService<IDataProtectionProvider>(), cookie);
        var query = context.Request.Query;
        string? failure = null;
        if (state is null)
        {
            failure = "This sign-in cannot be completed: its cookie is missing, was changed, or belongs to another server.";
        }
        else if (now >= state.ExpiresAt)
        {
            failure = "This sign-in took too long.";
        }
        else if (!state.StateMatches(query["state"].ToString()))
        {
            failure = "The state returned by the identity provider does not match this sign-in.";
        }
        else if (query["error"].ToString() is { Length: > 0 } error)
        {
            failure = $"The identity provider did not sign you in ({error}).";
        }
        else if (query["code"].ToString() is not { Length: > 0 })
        {
            failure = "The identity provider returned no authorization code.";
        }

        if (failure is null)
        {
            var flow = services.GetRequiredService<OidcCodeFlow>();
            var (identity, redeemFailure) = await flow.RedeemAsync(query["code"].ToString(), state!, RedirectUri(context, options), context.RequestAborted).ConfigureAwait(false);
            if (identity is not null)
            {
                var principal = ReviewAuthentication.CreatePrincipal(identity, flow.Issuer, flow.GroupsClaim);
                await context.SignInAsync(ReviewAuthentication.Scheme, principal, new AuthenticationProperties
                {
                    IsPersistent = false,
                    AllowRefresh = false,
                    IssuedUtc = now,
                    ExpiresUtc = now + options.Review.SessionLifetime,
                }).ConfigureAwait(false);
                ReviewLog.SignedIn(Logger(context), principal.FindFirst("sub")!.Value, flow.Issuer);
                ReviewResponses.ApplySecurityHeaders(context);
                context.Response.Headers.CacheControl = "no-store";
                context.Response.Redirect(ReviewPaths.Local(context, state!.ReturnPath));
                return;
            }

            failure = redeemFailure;
        }

        ReviewLog.SignInRefused(Logger(context), failure!);
        await MessagePage.WriteAsync(context, StatusCodes.Status400BadRequest, "Sign-in failed", failure + " Nothing was signed in.", isError: true, "Sign in again", ReviewPaths.SignIn).ConfigureAwait(false);
    }

    private static async Task SignOutAsync(HttpContext context)
    {
        // Authenticating first binds the antiforgery check to the signed-in user.
        await ReviewAuthentication.AuthenticateAsync(context).ConfigureAwait(false);
        if (!await ReviewEndpoints.CheckFormAsync(context, ReviewPaths.Base).ConfigureAwait(false))
        {
            return;
        }

        await context.SignOutAsync(ReviewAuthentication.Scheme).ConfigureAwait(false);
        ReviewResponses.SeeOther(context, ReviewPaths.Local(context, ReviewPaths.SignedOut));
    }

    private static Task SignedOutAsync(HttpContext context) =>
        MessagePage.WriteAsync(context, StatusCodes.Status200OK, "Signed out", "You are signed out of the review page.", isError: false, "Sign in again", ReviewPaths.Base);

    /// <summary>The callback address registered at the identity provider: under the public review address when configured, else this request's.</summary>
    public static string RedirectUri(HttpContext context, ActionGuardServerOptions options) =>
        options.ReviewUrlBase is { } reviewUrlBase
            ? reviewUrlBase.TrimEnd('/') + "/callback"
            : $"{context.Request.Scheme}://{context.Request.Host}{ReviewPaths.Local(context, ReviewPaths.Callback)}";

    private static CookieOptions StateCookie(HttpContext context, ActionGuardServerOptions options, TimeSpan? maxAge) => new()
    {
        HttpOnly = true,

        // Lax: the callback is a top-level navigation back from the identity provider, which must carry the cookie.
        SameSite = SameSiteMode.Lax,
        Secure = context.Request.IsHttps || ReviewServices.SecurePolicy(options) == CookieSecurePolicy.Always,
        Path = ReviewPaths.Local(context, ReviewPaths.Base),
        MaxAge = maxAge,
        IsEssential = true,
    };

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ActionGuard.Server.Web");
}
