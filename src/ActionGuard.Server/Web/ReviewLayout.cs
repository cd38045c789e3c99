using ActionGuard.Server.Development;
using ActionGuard.Server.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Server.Web;

/// <summary>The frame of every page: language, title, the stylesheet, a skip link, the banner with sign-out, and the main landmark.</summary>
internal static class ReviewLayout
{
    public static string Render(HttpContext context, string title, Caller? caller, string? antiforgeryToken, Action<HtmlWriter> main)
    {
        var html = new HtmlWriter();
        html.Raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Raw("<meta name=\"referrer\" content=\"no-referrer\">\n")
            .Raw("<title>").Text(title).Raw(" · ActionGuard review</title>\n")
            .Raw("<link rel=\"stylesheet\" href=\"").Text(ReviewPaths.Local(context, ReviewPaths.Stylesheet)).Raw("\">\n")
            .Raw(caller is null ? string.Empty : "<script src=\"" + HtmlWriter.Encode(ReviewPaths.Local(context, ReviewPaths.LiveScript)) + "\" defer></script>\n")
            .Raw("</head>\n")
            .Raw(caller is null ? "<body>\n" : "<body data-events=\"" + HtmlWriter.Encode(ReviewPaths.Local(context, ReviewPaths.Events)) + "\">\n")
            .Raw("<a class=\"skip-link\" href=\"#main\">Skip to main content</a>\n")
            .Raw("<header class=\"banner\">\n");
        if (context.RequestServices.GetService<DevelopmentMode>() is not null)
        {
            html.Raw("<p class=\"dev-mode\" id=\"dev-mode\"><strong>Development mode</strong> — INSECURE: anyone can sign in as anyone. For demos only; never for real approvals.</p>\n");
        }

        html.Raw("<p class=\"brand\"><a href=\"").Text(ReviewPaths.Local(context, ReviewPaths.Base)).Raw("\">ActionGuard review</a></p>\n");
        if (caller?.Person is { } person && antiforgeryToken is not null)
        {
            html.Raw("<nav aria-label=\"Account\">\n<p class=\"who\">Signed in as <strong>").Text(person.Name ?? person.Email ?? person.Subject).Raw("</strong></p>\n")
                .Raw("<form method=\"post\" action=\"").Text(ReviewPaths.Local(context, ReviewPaths.SignOut)).Raw("\">\n")
                .Raw("<input type=\"hidden\" name=\"").Raw(ReviewServices.AntiforgeryFieldName).Raw("\" value=\"").Text(antiforgeryToken).Raw("\">\n")
                .Raw("<button type=\"submit\" class=\"link-button\">Sign out</button>\n</form>\n</nav>\n");
        }

        html.Raw("</header>\n<main id=\"main\" tabindex=\"-1\">\n");
        main(html);
        html.Raw("</main>\n<footer class=\"footer\"><p>Every decision is recorded in the audit log with your identity and reason.</p></footer>\n</body>\n</html>\n");
        return html.ToString();
    }
}
