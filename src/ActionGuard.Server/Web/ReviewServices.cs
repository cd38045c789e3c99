using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Web;

/// <summary>Registers the review page: option validation, the OIDC client, cookie authentication, antiforgery and data protection.</summary>
internal static class ReviewServices
{
    public const string AntiforgeryFieldName = "__RequestVerificationToken";
    public const string SessionCookie = "ag_review";
    public const string SignInCookie = "ag_review_signin";
    public const string AntiforgeryCookie = "ag_review_af";

    public static void Add(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ActionGuardServerOptions>, ReviewOptionsValidator>());
        services.AddHttpContextAccessor();
        services.TryAddTransient<ClientSecretBasicHandler>();
        services.AddHttpClient(ReviewSignIn.HttpClientName, client =>
        {
            client.Timeout = TimeSpan.FromSeconds(30);
            client.MaxResponseContentBufferSize = 1024 * 1024;
        }).AddHttpMessageHandler<ClientSecretBasicHandler>();

        // Keys live with the data, so sessions survive a restart. A host that already set a key store keeps it.
        services.AddDataProtection();
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<ActionGuardServerOptions>, IHostEnvironment, ILoggerFactory>((keys, options, environment, loggers) =>
            keys.XmlRepository ??= new FileSystemXmlRepository(
                new DirectoryInfo(Path.Combine(environment.ContentRootPath, options.Value.DataDirectory, "keys")),
                loggers));

        services.AddAuthentication()
            .AddCookie(ReviewAuthentication.Scheme, cookie =>
            {
                cookie.Cookie.Name = SessionCookie;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.SlidingExpiration = false;
            })
            .AddRemoteScheme<OpenIdConnectOptions, ReviewSignInHandler>(ReviewAuthentication.SignInScheme, displayName: null, configureOptions: null);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<OpenIdConnectOptions>, ReviewSignIn>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        services.AddOptions<CookieAuthenticationOptions>(ReviewAuthentication.Scheme).Configure<IOptions<ActionGuardServerOptions>>((cookie, options) =>
        {
            cookie.ExpireTimeSpan = options.Value.Review.SessionLifetime;
            cookie.Cookie.SecurePolicy = SecurePolicy(options.Value);
        });
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.FormFieldName = AntiforgeryFieldName;
            antiforgery.Cookie.Name = AntiforgeryCookie;

            // The page sends its own X-Frame-Options and frame-ancestors.
            antiforgery.SuppressXFrameOptionsHeader = true;
        });
        services.AddOptions<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>().Configure<IOptions<ActionGuardServerOptions>>((antiforgery, options) =>
            antiforgery.Cookie.SecurePolicy = SecurePolicy(options.Value));
    }

    /// <summary>Cookies are Secure on HTTPS requests, and always when the page's public address is HTTPS (TLS ended at a proxy).</summary>
    public static CookieSecurePolicy SecurePolicy(ActionGuardServerOptions options) =>
        options.ReviewUrlBase?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
}
