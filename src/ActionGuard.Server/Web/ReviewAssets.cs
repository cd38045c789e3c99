using Microsoft.AspNetCore.Http;

namespace ActionGuard.Server.Web;

/// <summary>
/// The stylesheet and the live-update script, embedded resources of this assembly: the page needs nothing from outside
/// the server, and its one script is served from its own origin.
/// </summary>
internal static class ReviewAssets
{
    public const string StylesheetResource = "ActionGuard.Server.Web.review.css";
    public const string LiveScriptResource = "ActionGuard.Server.Web.live.js";

    private static readonly Lazy<byte[]> Stylesheet = new(() => Read(StylesheetResource));
    private static readonly Lazy<byte[]> LiveScript = new(() => Read(LiveScriptResource));

    public static Task WriteStylesheetAsync(HttpContext context) => WriteAsync(context, "text/css; charset=utf-8", Stylesheet.Value);

    public static Task WriteLiveScriptAsync(HttpContext context) => WriteAsync(context, "text/javascript; charset=utf-8", LiveScript.Value);

    private static async Task WriteAsync(HttpContext context, string contentType, byte[] content)
    {
        context.Response.ContentType = contentType;
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "public, max-age=3600";
        await context.Response.Body.WriteAsync(content, context.RequestAborted).ConfigureAwait(false);
    }

    private static byte[] Read(string resource)
    {
        using var stream = typeof(ReviewAssets).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded resource '{resource}' is missing from the server assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
