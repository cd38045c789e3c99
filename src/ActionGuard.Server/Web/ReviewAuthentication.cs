using System.Security.Claims;
using ActionGuard.Server.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Server.Web;

/// <summary>
/// The page's sign-in session: an ASP.NET Core authentication cookie holding the person the id token proved (issuer,
/// subject, name, e-mail, groups), turned back into the same <see cref="Caller"/> the API builds from a bearer token.
/// </summary>
internal static class ReviewAuthentication
{
    public const string Scheme = "ActionGuard.Review";

    /// <summary>The OpenID Connect scheme approvers sign in with; it signs them in to <see cref="Scheme"/>.</summary>
    public const string SignInScheme = "ActionGuard.Review.OpenIdConnect";

    private const string SubjectClaim = "sub";
    private const string IssuerClaim = "ag_iss";
    private const string NameClaim = "name";
    private const string EmailClaim = "email";
    private const string GroupClaim = "ag_group";

    public static ClaimsPrincipal CreatePrincipal(ClaimsIdentity idToken, string issuer, string groupsClaim)
    {
        var claims = new List<Claim>
        {
            new(SubjectClaim, idToken.FindFirst("sub")!.Value),
            new(IssuerClaim, issuer),
        };
        if (idToken.FindFirst("name")?.Value is { Length: > 0 } name)
        {
            claims.Add(new(NameClaim, name));
        }

        if (CallerAuthenticator.VerifiedEmail(idToken) is { } email)
        {
            claims.Add(new(EmailClaim, email));
        }

        foreach (var group in idToken.FindAll(groupsClaim))
        {
            claims.Add(new(GroupClaim, group.Value));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, NameClaim, null));
    }

    /// <summary>The signed-in person as a caller, and the request's user for antiforgery; <see langword="null"/> when nobody is signed in.</summary>
    public static async Task<Caller?> AuthenticateAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(Scheme).ConfigureAwait(false);
        if (!result.Succeeded || result.Principal is not { } principal)
        {
            return null;
        }

        var subject = principal.FindFirst(SubjectClaim)?.Value;
        var issuer = principal.FindFirst(IssuerClaim)?.Value;
        if (string.IsNullOrEmpty(subject) || string.IsNullOrEmpty(issuer))
        {
            return null;
        }

        context.User = principal;
        var groups = new HashSet<string>(principal.FindAll(GroupClaim).Select(c => c.Value), StringComparer.Ordinal);
        var person = new ApprovalParty
        {
            Issuer = issuer,
            Subject = subject,
            Name = principal.FindFirst(NameClaim)?.Value,
            Email = principal.FindFirst(EmailClaim)?.Value, // kept at sign-in only when verified
        };
        var people = context.RequestServices.GetRequiredService<PersonDirectory>();
        return Caller.ForPerson(people.Resolve(person), groups, emailVerified: person.Email is not null);
    }
}
