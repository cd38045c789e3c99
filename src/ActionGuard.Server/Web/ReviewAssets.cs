using Microsoft.AspNetCore.Http;

namespace ActionGuard.Server.Web;

/// <summary>The stylesheet, an embedded resource of this assembly: the page needs nothing from outside the server.</summary>
internal static class ReviewAssets
{
    public const string StylesheetResource = "ActionGuard.Server.Web.review.css";

    private static readonly Lazy<byte[]> Stylesheet = new(() =>
    {
        using var stream = typeof(ReviewAssets).Assembly.GetManifestResourceStream(StylesheetResource)
            ?? throw new InvalidOperationException($"The embedded resource '{StylesheetResource}' is missing from the server assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static async Task WriteStylesheetAsync(HttpContext context)
    {
        context.Response.ContentType = "text/css; charset=utf-8";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "public, max-age=3600";
        await context.Response.Body.WriteAsync(Stylesheet.Value, context.RequestAborted).ConfigureAwait(false);
    }
}
