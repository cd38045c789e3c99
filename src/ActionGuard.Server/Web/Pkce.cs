using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Server.Web;

/// <summary>RFC 7636 with S256: the verifier stays in the browser's protected cookie; only its hash goes to the identity provider.</summary>
internal static class Pkce
{
    /// <summary>32 random bytes as base64url (43 characters): the code verifier, and equally the state and nonce.</summary>
    public static string NewRandom() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    public static string Challenge(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
