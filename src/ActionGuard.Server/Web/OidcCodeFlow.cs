using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ActionGuard.Server.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ActionGuard.Server.Web;

/// <summary>
/// The OIDC authorization code flow with PKCE (S256) against the issuer the page signs in at. Discovery, JWKS and
/// token validation are <see cref="OidcTokenValidator"/>'s, with the page's client id as the audience the id token must
/// carry.
/// </summary>
internal sealed class OidcCodeFlow
{
    /// <summary>The named client that calls the token endpoint.</summary>
    public const string HttpClientName = "ActionGuard.Server.Review";

    private readonly OidcTokenValidator _validator;
    private readonly OidcIssuerOptions _issuer;
    private readonly ReviewOptions _review;
    private readonly IHttpClientFactory _httpClientFactory;

    public OidcCodeFlow(IOptions<ActionGuardServerOptions> options, TimeProvider timeProvider, IHttpClientFactory httpClientFactory)
    {
        var value = options.Value;
        _review = value.Review;
        _issuer = ReviewOptionsValidator.FindIssuer(value)
            ?? throw new InvalidOperationException("ActionGuard:Review:Issuer does not name a configured issuer.");

        // The id token is issued to the page's client, not to the API: the same issuer, discovery and keys, another audience.
        var forClient = new OidcIssuerOptions
        {
            Issuer = _issuer.Issuer,
            Audience = _review.ClientId,
            MetadataAddress = _issuer.MetadataAddress,
            GroupsClaim = _issuer.GroupsClaim,
            RequireHttpsMetadata = _issuer.RequireHttpsMetadata,
        };
        _validator = new OidcTokenValidator(forClient, timeProvider, httpClientFactory.CreateClient(CallerAuthenticator.HttpClientName));
        _httpClientFactory = httpClientFactory;
    }

    /// <summary>The issuer as configured, the <see cref="ApprovalParty.Issuer"/> of people who sign in (as for API tokens).</summary>
    public string Issuer => _validator.Issuer;

    public string GroupsClaim => _issuer.GroupsClaim;

    /// <summary>The issuer's authorization endpoint with the request for a code: client, redirect, scopes, state, nonce and the S256 challenge.</summary>
    public async Task<(string? Url, string? Failure)> AuthorizationUrlAsync(SignInState state, string redirectUri, CancellationToken cancellationToken)
    {
        var (configuration, failure) = await DiscoverAsync(cancellationToken).ConfigureAwait(false);
        if (configuration is null)
        {
            return (null, failure);
        }

        if (!IsAllowedEndpoint(configuration.AuthorizationEndpoint))
        {
            return (null, "The identity provider's discovery document names no usable authorization_endpoint.");
        }

        var url = QueryHelpers.AddQueryString(configuration.AuthorizationEndpoint, new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["response_type"] = "code",
            ["client_id"] = _review.ClientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = _review.Scopes,
            ["state"] = state.State,
            ["nonce"] = state.Nonce,
            ["code_challenge"] = Pkce.Challenge(state.Verifier),
            ["code_challenge_method"] = "S256",
        });
        return (url, null);
    }

    /// <summary>
    /// Exchanges <paramref name="code"/> at the token endpoint with the PKCE verifier and validates the id token:
    /// signature (JWKS), issuer, audience (the client id), lifetime, nonce and subject.
    /// </summary>
    public async Task<(ClaimsIdentity? Identity, string? Failure)> RedeemAsync(string code, SignInState state, string redirectUri, CancellationToken cancellationToken)
    {
        var (configuration, failure) = await DiscoverAsync(cancellationToken).ConfigureAwait(false);
        if (configuration is null)
        {
            return (null, failure);
        }

        if (!IsAllowedEndpoint(configuration.TokenEndpoint))
        {
            return (null, "The identity provider's discovery document names no usable token_endpoint.");
        }

        var form = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = state.Verifier,
            ["client_id"] = _review.ClientId!,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, configuration.TokenEndpoint);
        if (_review.ClientSecret is { } secret)
        {
            var methods = configuration.TokenEndpointAuthMethodsSupported;
            if (methods.Count > 0 && !methods.Contains("client_secret_basic") && methods.Contains("client_secret_post"))
            {
                form["client_secret"] = secret;
            }
            else
            {
                // RFC 6749 2.3.1: both parts form-encoded before Basic encoding.
                var pair = Uri.EscapeDataString(_review.ClientId!) + ":" + Uri.EscapeDataString(secret);
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
            }
        }

        request.Content = new FormUrlEncodedContent(form);
        string? idToken;
        try
        {
            using var response = await _httpClientFactory.CreateClient(HttpClientName).SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (!response.IsSuccessStatusCode)
            {
                var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                return (null, $"The identity provider refused the code ({(int)response.StatusCode} {error ?? "no error code"}).");
            }

            idToken = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id_token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (null, "The identity provider's token endpoint could not be reached or answered with something that is not JSON.");
        }

        if (string.IsNullOrEmpty(idToken))
        {
            return (null, "The identity provider's token response carries no id_token.");
        }

        var identity = await _validator.ValidateAsync(idToken).ConfigureAwait(false);
        if (identity is null)
        {
            return (null, "The id token is not valid (signature, issuer, audience or lifetime).");
        }

        var nonce = identity.FindFirst("nonce")?.Value;
        if (nonce is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(nonce), Encoding.UTF8.GetBytes(state.Nonce)))
        {
            return (null, "The id token's nonce does not match this sign-in.");
        }

        // With several audiences, the token must say it was issued to this client (OIDC Core 3.1.3.7).
        var audiences = identity.FindAll("aud").ToList();
        if (audiences.Count > 1 && identity.FindFirst("azp")?.Value != _review.ClientId)
        {
            return (null, "The id token has several audiences and its azp is not this client.");
        }

        if (string.IsNullOrEmpty(identity.FindFirst("sub")?.Value))
        {
            return (null, "The id token has no subject.");
        }

        return (identity, null);
    }

    private async Task<(OpenIdConnectConfiguration? Configuration, string? Failure)> DiscoverAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await _validator.GetConfigurationAsync(cancellationToken).ConfigureAwait(false), null);
        }
        catch (InvalidOperationException)
        {
            return (null, "The identity provider's discovery document could not be read.");
        }
    }

    private bool IsAllowedEndpoint(string? endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && !_issuer.RequireHttpsMetadata));
}
