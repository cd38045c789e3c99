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
        var returnPath = context.Request.Query["returnUrl"].ToString();
        if (!ReviewPaths.IsLocalReviewPath(returnPath))
        {
            returnPath = ReviewPaths.Base;
        }

        try
        {
            await context.ChallengeAsync(ReviewAuthentication.SignInScheme, new AuthenticationProperties { RedirectUri = ReviewPaths.Local(context, returnPath) }).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex) when (!context.Response.HasStarted)
        {
            // The discovery document could not be read (or named no authorization endpoint).
            ReviewLog.SignInRefused(Logger(context), ex.Message);
            await MessagePage.WriteAsync(context, StatusCodes.Status502BadGateway, "Sign-in unavailable", "The identity provider's discovery document could not be read. Try again later or ask an administrator.", isError: true, "Try again", ReviewPaths.SignIn).ConfigureAwait(false);
        }
    }

    // The OpenID Connect handler takes the callback: state, correlation cookie, PKCE redemption, id token, nonce.
    private static async Task CallbackAsync(HttpContext context)
    {
        var handlers = context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
        if (await handlers.GetHandlerAsync(context, ReviewAuthentication.SignInScheme).ConfigureAwait(false) is IAuthenticationRequestHandler handler
            && await handler.HandleRequestAsync().ConfigureAwait(false))
        {
            return;
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
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
    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ActionGuard.Server.Web");
}
