using Microsoft.AspNetCore.Http;

namespace ActionGuard.Server.Web;

/// <summary>A page that only says something: a failed sign-in, a signed-out notice, a request that does not exist.</summary>
internal static class MessagePage
{
    public static Task WriteAsync(HttpContext context, int status, string title, string message, bool isError, string? linkText = null, string? linkPath = null)
    {
        var html = ReviewLayout.Render(context, title, caller: null, antiforgeryToken: null, main =>
        {
            main.Element("h1", title);
            main.Raw(isError ? "<div class=\"alert\" role=\"alert\">" : "<div class=\"notice\" role=\"status\">").Element("p", message).Raw("</div>\n");
            if (linkText is not null && linkPath is not null)
            {
                main.Raw("<p><a href=\"").Text(ReviewPaths.Local(context, linkPath)).Raw("\">").Text(linkText).Raw("</a></p>\n");
            }
        });
        return ReviewResponses.WriteHtmlAsync(context, status, html);
    }
}
