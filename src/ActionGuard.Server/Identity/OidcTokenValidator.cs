using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Server.Identity;

/// <summary>
/// Validates JWTs from one OIDC issuer: signing keys from discovery and JWKS (cached, refreshed on an unknown
/// <c>kid</c>), issuer, audience, lifetime against the <see cref="TimeProvider"/>, and signature.
/// </summary>
internal sealed class OidcTokenValidator
{
    /// <summary>The clock skew allowed on every token from an identity provider.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _configuration;
    private readonly TimeProvider _timeProvider;

    public OidcTokenValidator(OidcIssuerOptions options, TimeProvider timeProvider, HttpClient? httpClient = null)
    {
        Options = options;
        Issuer = options.Issuer!;
        _timeProvider = timeProvider;
        var metadata = options.MetadataAddress ?? Issuer.TrimEnd('/') + "/.well-known/openid-configuration";
        var retriever = httpClient is null
            ? new HttpDocumentRetriever { RequireHttps = options.RequireHttpsMetadata }
            : new HttpDocumentRetriever(httpClient) { RequireHttps = options.RequireHttpsMetadata };
        _configuration = new ConfigurationManager<OpenIdConnectConfiguration>(metadata, new OpenIdConnectConfigurationRetriever(), retriever);
    }

    public OidcIssuerOptions Options { get; }

    public string Issuer { get; }

    /// <summary>The issuer's discovery document (cached; the same one whose JWKS validates tokens), for the review page's sign-in.</summary>
    public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancellationToken = default) =>
        _configuration.GetConfigurationAsync(cancellationToken);

    /// <summary>Validates <paramref name="token"/>; <paramref name="validateAudience"/> is off only for initiator ID tokens.</summary>
    public async Task<ClaimsIdentity?> ValidateAsync(string token, bool validateAudience = true)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ConfigurationManager = _configuration,
            ValidIssuer = Issuer,
            ValidateIssuer = true,
            ValidAudience = Options.Audience,
            ValidateAudience = validateAudience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = ClockSkew,
            LifetimeValidator = LifetimeOn(_timeProvider),
            NameClaimType = "name",
        }).ConfigureAwait(false);
        return result.IsValid ? result.ClaimsIdentity : null;
    }

    /// <summary>Token lifetime checked on <paramref name="timeProvider"/> (tests move the clock; production uses the system's).</summary>
    public static LifetimeValidator LifetimeOn(TimeProvider timeProvider) => (notBefore, expires, _, _) =>
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        return expires is { } exp && now < exp.ToUniversalTime() + ClockSkew && (notBefore is not { } nbf || now + ClockSkew >= nbf.ToUniversalTime());
    };
}
