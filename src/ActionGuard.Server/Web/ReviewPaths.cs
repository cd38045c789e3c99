using Microsoft.AspNetCore.Http;

namespace ActionGuard.Server.Web;

/// <summary>The page's routes under one base, so <c>{ReviewUrlBase}/{id}</c> links from notifications open the detail view.</summary>
internal static class ReviewPaths
{
    public const string Base = "/review";
    public const string SignIn = Base + "/signin";
    public const string Callback = Base + "/callback";
    public const string SignOut = Base + "/signout";
    public const string SignedOut = Base + "/signedout";
    public const string Stylesheet = Base + "/assets/review.css";
    public const string LiveScript = Base + "/assets/live.js";
    public const string Events = Base + "/events";
    public const string Audit = Base + "/audit";
    public const string AuditExport = Audit + "/export";

    /// <summary>The detail path, unescaped: <see cref="Local"/> escapes it.</summary>
    public static string Detail(string id) => Base + "/" + id;

    public static string Decision(string id) => Detail(id) + "/decision";

    /// <summary>A path of this application, with the request's path base in front.</summary>
    public static string Local(HttpContext context, string path) => context.Request.PathBase.Add(new PathString(path)).ToUriComponent();

    /// <summary>
    /// Whether <paramref name="returnUrl"/> is a path of the page itself: a sign-in may only come back to the review
    /// page, never to another site (open redirect) or another part of the server.
    /// </summary>
    public static bool IsLocalReviewPath(string? returnUrl) =>
        returnUrl is not null
        && (returnUrl == Base || returnUrl.StartsWith(Base + "/", StringComparison.Ordinal))
        && !returnUrl.Contains("//", StringComparison.Ordinal)
        && !returnUrl.Contains('\\', StringComparison.Ordinal)
        && !returnUrl.Any(char.IsControl);
}
