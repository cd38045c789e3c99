using System.Globalization;
using ActionGuard.Server.Web;
using Microsoft.AspNetCore.Http;

namespace ActionGuard.Server.Development;

/// <summary>
/// The development sign-in form: a user name and groups, taken on trust. Marked on the page as what it is, so nobody
/// mistakes it for an identity provider.
/// </summary>
internal static class DevelopmentSignInPage
{
    public const string Title = "Development sign-in";

    public static string Render(HttpContext context, AuthorizationRequest request, string antiforgeryToken, IReadOnlyList<string> knownGroups, SignInForm form) =>
        ReviewLayout.Render(context, Title, caller: null, antiforgeryToken: null, html =>
        {
            html.Raw("<h1>Development sign-in</h1>\n");
            html.Raw("<div class=\"alert dev-warning\" role=\"note\" aria-labelledby=\"dev-warning-title\">\n")
                .Raw("<h2 id=\"dev-warning-title\">DEVELOPMENT ONLY — not an identity provider</h2>\n")
                .Raw("<p>Nobody's identity is checked here: the server believes whatever user name and groups you enter. ")
                .Raw("This form exists only while the server runs in development mode on a loopback address. Never use it for real approvals.</p>\n</div>\n");
            if (!form.IsValid)
            {
                html.Raw("<div class=\"alert\" role=\"alert\"><p>The sign-in was not accepted. Correct the fields marked below.</p></div>\n");
            }

            html.Raw("<form method=\"post\" action=\"").Text(context.Request.PathBase.Add(new PathString(DevelopmentIssuer.PathBase + "/authorize")).ToUriComponent()).Raw("\" class=\"decision\">\n")
                .Raw("<input type=\"hidden\" name=\"").Raw(ReviewServices.AntiforgeryFieldName).Raw("\" value=\"").Text(antiforgeryToken).Raw("\">\n");
            foreach (var (name, value) in request.Fields())
            {
                html.Raw("<input type=\"hidden\" name=\"").Raw(name).Raw("\" value=\"").Text(value).Raw("\">\n");
            }

            html.Raw("<div class=\"field").Raw(form.UserNameError is null ? string.Empty : " field-invalid").Raw("\">\n")
                .Raw("<label for=\"username\">User name</label>\n")
                .Raw("<p id=\"username-hint\" class=\"hint\">Any name, for example alice. Use a different name than the request's initiator: nobody may approve their own request.</p>\n");
            if (form.UserNameError is not null)
            {
                html.Raw("<p id=\"username-error\" class=\"field-error\">").Text(form.UserNameError).Raw("</p>\n");
            }

            html.Raw("<input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" required maxlength=\"")
                .Raw(SignInForm.MaxNameLength.ToString(CultureInfo.InvariantCulture)).Raw("\" value=\"").Text(form.UserName)
                .Raw("\" aria-describedby=\"username-hint").Raw(form.UserNameError is null ? "\"" : " username-error\" aria-invalid=\"true\"").Raw(">\n</div>\n");

            html.Raw("<fieldset class=\"field groups").Raw(form.GroupsError is null ? string.Empty : " field-invalid").Raw("\">\n<legend>Groups</legend>\n")
                .Raw("<p id=\"groups-hint\" class=\"hint\">Approver groups come from the server's policy; a request may need one of them.</p>\n");
            if (form.GroupsError is not null)
            {
                html.Raw("<p id=\"groups-error\" class=\"field-error\">").Text(form.GroupsError).Raw("</p>\n");
            }

            for (var i = 0; i < knownGroups.Count; i++)
            {
                var id = "group-" + i.ToString(CultureInfo.InvariantCulture);
                html.Raw("<div class=\"check\"><input type=\"checkbox\" name=\"group\" id=\"").Raw(id).Raw("\" value=\"").Text(knownGroups[i]).Raw("\"")
                    .Raw(form.PickedGroups.Contains(knownGroups[i], StringComparer.Ordinal) ? " checked" : string.Empty)
                    .Raw("> <label for=\"").Raw(id).Raw("\">").Text(knownGroups[i]).Raw("</label></div>\n");
            }

            html.Raw("<label for=\"other-groups\">Other groups</label>\n")
                .Raw("<p id=\"other-groups-hint\" class=\"hint\">Separated by commas or spaces.</p>\n")
                .Raw("<input id=\"other-groups\" name=\"other_groups\" type=\"text\" value=\"").Text(form.OtherGroups)
                .Raw("\" aria-describedby=\"other-groups-hint").Raw(form.GroupsError is null ? "\"" : " groups-error\" aria-invalid=\"true\"").Raw(">\n</fieldset>\n")
                .Raw("<div class=\"actions\"><button type=\"submit\" class=\"approve\">Sign in</button></div>\n</form>\n");
        });
}
