using System.Text;
using Microsoft.AspNetCore.Http;

namespace ActionGuard.Server.Web;

/// <summary>Writes the page's responses with its security headers.</summary>
internal static class ReviewResponses
{
    /// <summary>
    /// Only the page's own stylesheet, no script at all, no framing, forms post only back here. Inline script that
    /// slipped through encoding would still not run.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /// <param name="context">The request.</param>
    /// <param name="status">The status code.</param>
    /// <param name="html">The page.</param>
    /// <param name="formAction">One more origin the page's forms may lead to (a redirect after the POST counts), or <see langword="null"/>.</param>
    public static async Task WriteHtmlAsync(HttpContext context, int status, string html, string? formAction = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        ApplySecurityHeaders(context);
        if (formAction is not null)
        {
            context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy + " " + formAction;
        }

        context.Response.Headers.CacheControl = "no-store";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(html), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A 303 to a path of this application, so a refresh after a POST does not repeat it.</summary>
    public static void SeeOther(HttpContext context, string path)
    {
        ApplySecurityHeaders(context);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = path;
    }

    public static void ApplySecurityHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";

        // The callback URL carries the code and state; no other site should see them in a Referer.
        headers["Referrer-Policy"] = "no-referrer";
    }
}
