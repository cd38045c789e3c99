using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Testing.Tests.TestSupport;

internal static class TokenAssertions
{
    // The raw payload, so tests see what a verifier in any language would see.
    public static JsonElement Payload(string token)
    {
        var jwt = new JsonWebTokenHandler().ReadJsonWebToken(token);
        var json = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static async Task<TokenValidationResult> ValidateAsync(string token, string jwks, string issuer, string audience, bool validateLifetime = true)
    {
        var keys = new JsonWebKeySet(jwks);
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = audience,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidateLifetime = validateLifetime,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ClockSkew = TimeSpan.Zero,

            // Look keys up by kid only, as a verifier that refreshes the JWKS on an unknown kid does.
            TryAllIssuerSigningKeys = false,
        });
    }
}
