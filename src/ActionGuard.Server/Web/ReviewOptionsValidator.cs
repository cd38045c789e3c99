using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Web;

/// <summary>Validates <c>ActionGuard:Review</c> at start; every message names the configuration key at fault.</summary>
internal sealed class ReviewOptionsValidator : IValidateOptions<ActionGuardServerOptions>
{
    private const string Prefix = ActionGuardServerOptions.SectionName + ":Review:";

    public ValidateOptionsResult Validate(string? name, ActionGuardServerOptions options)
    {
        var review = options.Review;
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(review.ClientId))
        {
            if (review.ClientSecret is not null || review.Issuer is not null)
            {
                errors.Add(Prefix + "ClientId is required when ActionGuard:Review is configured: the OIDC client id registered for the review page.");
            }

            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }

        if (FindIssuer(options) is null)
        {
            var configured = string.Join(", ", options.Issuers.Select(i => "'" + i.Issuer + "'"));
            errors.Add(review.Issuer is null
                ? Prefix + $"Issuer is required when more or fewer than one issuer is configured; it must be one of ActionGuard:Issuers ({(configured.Length == 0 ? "none configured" : configured)})."
                : Prefix + $"Issuer '{review.Issuer}' must be one of ActionGuard:Issuers ({(configured.Length == 0 ? "none configured" : configured)}).");
        }

        if (!review.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("openid", StringComparer.Ordinal))
        {
            errors.Add(Prefix + "Scopes must include 'openid' (scopes are separated by spaces).");
        }

        if (review.SessionLifetime <= TimeSpan.Zero)
        {
            errors.Add(Prefix + "SessionLifetime must be positive.");
        }

        if (review.SignInTimeout <= TimeSpan.Zero)
        {
            errors.Add(Prefix + "SignInTimeout must be positive.");
        }

        if (options.ReviewUrlBase is { } reviewUrlBase
            && Uri.TryCreate(reviewUrlBase, UriKind.Absolute, out var uri)
            && !uri.AbsolutePath.TrimEnd('/').EndsWith(ReviewPaths.Base, StringComparison.Ordinal))
        {
            errors.Add(ActionGuardServerOptions.SectionName + ":ReviewUrlBase must end with '/review' (for example https://host/review) when the review page is on, so links in notifications open it.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The configured issuer the page signs in at: the one named by <c>Review:Issuer</c>, or the only one.</summary>
    public static OidcIssuerOptions? FindIssuer(ActionGuardServerOptions options)
    {
        var wanted = options.Review.Issuer;
        if (wanted is null)
        {
            return options.Issuers.Count == 1 ? options.Issuers[0] : null;
        }

        return options.Issuers.FirstOrDefault(i => i.Issuer is not null && ApprovalParty.NormalizeIssuer(i.Issuer) == ApprovalParty.NormalizeIssuer(wanted));
    }
}
