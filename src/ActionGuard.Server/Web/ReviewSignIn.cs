using System.Security.Claims;
using ActionGuard.Server.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Server.Web;

/// <summary>
/// The review page's sign-in: ASP.NET Core's OpenID Connect handler (authorization code with PKCE, state bound to the
/// browser by a correlation cookie, nonce, id-token validation) configured from <c>ActionGuard:Review</c> and the issuer
/// it names. The session is the review cookie; its claims are the verified ones <see cref="ReviewAuthentication"/> keeps.
/// </summary>
internal sealed class ReviewSignIn : IConfigureNamedOptions<OpenIdConnectOptions>
{
    /// <summary>The named client of the back channel (discovery, keys, token endpoint).</summary>
    public const string HttpClientName = "ActionGuard.Server.Review";

    private readonly ActionGuardServerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly IHttpClientFactory _httpClientFactory;

    public ReviewSignIn(IOptions<ActionGuardServerOptions> options, TimeProvider timeProvider, IHttpClientFactory httpClientFactory)
    {
        _options = options.Value;
        _timeProvider = timeProvider;
        _httpClientFactory = httpClientFactory;
    }

    public void Configure(OpenIdConnectOptions options) => Configure(Options.DefaultName, options);

    /// <summary>Whether the review page is on: a client id and the issuer it signs in at.</summary>
    public static bool IsOn(ActionGuardServerOptions options) =>
        !string.IsNullOrWhiteSpace(options.Review.ClientId) && ReviewOptionsValidator.FindIssuer(options) is not null;

    public void Configure(string? name, OpenIdConnectOptions options)
    {
        if (name != ReviewAuthentication.SignInScheme)
        {
            return;
        }

        if (!IsOn(_options) || ReviewOptionsValidator.FindIssuer(_options) is not { } issuer || _options.Review.ClientId is not { } clientId)
        {
            // The page is off: valid, inert options (no discovery, no network) for a handler that handles nothing.
            options.ClientId = "review-page-off";
            options.Configuration = new OpenIdConnectConfiguration();
            return;
        }

        var review = _options.Review;
        options.Authority = issuer.Issuer;
        options.MetadataAddress = issuer.MetadataAddress ?? issuer.Issuer!.TrimEnd('/') + "/.well-known/openid-configuration";
        options.RequireHttpsMetadata = issuer.RequireHttpsMetadata;
        options.Backchannel = _httpClientFactory.CreateClient(HttpClientName);
        options.ClientId = clientId;
        options.ClientSecret = review.ClientSecret;
        options.ResponseType = OpenIdConnectResponseType.Code;

        // The code comes back on a top-level GET, so the browser sends the Lax cookies that bind it to this sign-in.
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.Scope.Clear();
        foreach (var scope in review.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            options.Scope.Add(scope);
        }

        options.CallbackPath = ReviewPaths.Callback;
        options.SignInScheme = ReviewAuthentication.Scheme;
        options.RemoteAuthenticationTimeout = review.SignInTimeout;
        options.TimeProvider = _timeProvider;
        options.MapInboundClaims = false;
        options.GetClaimsFromUserInfoEndpoint = false;
        options.SaveTokens = false;
        options.DisableTelemetry = true;
        var secure = ReviewServices.SecurePolicy(_options);
        foreach (var cookie in new[] { options.CorrelationCookie, options.NonceCookie })
        {
            cookie.HttpOnly = true;
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = secure;
            cookie.IsEssential = true;
        }

        options.CorrelationCookie.Name = ReviewServices.SignInCookie + ".";
        options.NonceCookie.Name = ReviewServices.SignInCookie + ".nonce.";
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudience = clientId,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = OidcTokenValidator.ClockSkew,
            LifetimeValidator = OidcTokenValidator.LifetimeOn(_timeProvider),
            NameClaimType = "name",
        };
        options.Events = new OpenIdConnectEvents
        {
            OnRedirectToIdentityProvider = RedirectingAsync,
            OnAuthorizationCodeReceived = RedeemingAsync,
            OnTokenValidated = SignedInAsync,
            OnRemoteFailure = FailedAsync,
        };
    }

    private Task RedirectingAsync(RedirectContext context)
    {
        // Behind a proxy the public address is ReviewUrlBase's: the identity provider must send the code back there.
        if (_options.ReviewUrlBase is { } reviewUrlBase)
        {
            // The handler keeps the message's redirect_uri, once this event has run, for redeeming the code.
            context.ProtocolMessage.RedirectUri = reviewUrlBase.TrimEnd('/') + "/callback";
        }

        ReviewResponses.ApplySecurityHeaders(context.HttpContext);
        context.Response.Headers.CacheControl = "no-store";
        return Task.CompletedTask;
    }

    // RFC 6749 2.3.1: the server must accept HTTP Basic; the secret goes in the body only to a provider that takes nothing else.
    private static async Task RedeemingAsync(AuthorizationCodeReceivedContext context)
    {
        if (context.TokenEndpointRequest is not { ClientSecret: { } secret } request)
        {
            return;
        }

        var configuration = await context.Options.ConfigurationManager!.GetConfigurationAsync(context.HttpContext.RequestAborted).ConfigureAwait(false);
        var methods = configuration.TokenEndpointAuthMethodsSupported;
        if (methods.Count > 0 && !methods.Contains("client_secret_basic") && methods.Contains("client_secret_post"))
        {
            return;
        }

        request.ClientSecret = null;
        context.HttpContext.Items[ClientSecretBasicHandler.CredentialKey] = Uri.EscapeDataString(context.Options.ClientId!) + ":" + Uri.EscapeDataString(secret);
    }

    private Task SignedInAsync(TokenValidatedContext context)
    {
        var identity = (ClaimsIdentity)context.Principal!.Identity!;

        // With several audiences, the token must say it was issued to this client (OIDC Core 3.1.3.7).
        if (identity.FindAll("aud").Skip(1).Any() && identity.FindFirst("azp")?.Value != context.Options.ClientId)
        {
            context.Fail("The id token has several audiences and its azp is not this client.");
            return Task.CompletedTask;
        }

        if (string.IsNullOrEmpty(identity.FindFirst("sub")?.Value))
        {
            context.Fail("The id token has no subject.");
            return Task.CompletedTask;
        }

        var issuer = ReviewOptionsValidator.FindIssuer(_options)!;
        var now = _timeProvider.GetUtcNow();
        context.Principal = ReviewAuthentication.CreatePrincipal(identity, issuer.Issuer!, issuer.GroupsClaim);
        context.Properties!.IsPersistent = false;
        context.Properties.AllowRefresh = false;
        context.Properties.IssuedUtc = now;
        context.Properties.ExpiresUtc = now + _options.Review.SessionLifetime;
        if (!ReviewPaths.IsLocalReviewPath(StripPathBase(context.HttpContext, context.Properties.RedirectUri)))
        {
            context.Properties.RedirectUri = ReviewPaths.Local(context.HttpContext, ReviewPaths.Base);
        }

        ReviewLog.SignedIn(Logger(context.HttpContext), identity.FindFirst("sub")!.Value, issuer.Issuer!);
        return Task.CompletedTask;
    }

    private static async Task FailedAsync(RemoteFailureContext context)
    {
        var reason = Explain(context.Failure);
        ReviewLog.SignInRefused(Logger(context.HttpContext), reason);
        context.HandleResponse();
        await MessagePage.WriteAsync(context.HttpContext, StatusCodes.Status400BadRequest, "Sign-in failed", reason + " Nothing was signed in.", isError: true, "Sign in again", ReviewPaths.SignIn).ConfigureAwait(false);
    }

    // The handler's failures in words an approver (and the tests) can act on; nothing from the token is echoed.
    private static string Explain(Exception? failure) => failure switch
    {
        OpenIdConnectProtocolInvalidNonceException => "The id token's nonce does not match this sign-in.",
        SecurityTokenException => "The id token is not valid (signature, issuer, audience or lifetime).",
        OpenIdConnectProtocolException { Message: var m } when m.Contains("invalid_grant", StringComparison.Ordinal) || m.Contains("error", StringComparison.Ordinal) =>
            "The identity provider refused the code (" + ErrorCode(m) + ").",
        { Message: var m } when m.StartsWith("Correlation failed", StringComparison.Ordinal) =>
            "This sign-in cannot be completed: its cookie is missing, was changed, or belongs to another server.",
        { Message: var m } when m.Contains("message.State", StringComparison.Ordinal) =>
            "The state returned by the identity provider does not match this sign-in.",
        { Message: var m } when m.Contains("Access was denied", StringComparison.Ordinal) =>
            "The identity provider did not sign you in (access_denied).",
        { Message: var m } when m.Contains("azp", StringComparison.Ordinal) || m.Contains("no subject", StringComparison.Ordinal) => m,
        _ => "The sign-in could not be completed.",
    };

    private static string ErrorCode(string message)
    {
        // "Message contains error: 'invalid_grant', error_description: …"
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start ? message[(start + 1)..end] : "no error code";
    }

    private static string? StripPathBase(HttpContext context, string? path) =>
        path is not null && context.Request.PathBase.HasValue && path.StartsWith(context.Request.PathBase.Value!, StringComparison.Ordinal)
            ? path[context.Request.PathBase.Value!.Length..]
            : path;

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ActionGuard.Server.Web");
}
