using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ActionGuard.Server.Web;

/// <summary>
/// On the sign-in's back channel: sends the client's credentials as HTTP Basic (RFC 6749 2.3.1) when
/// <see cref="ReviewSignIn"/> chose it for the callback's token request; every other request passes untouched.
/// </summary>
internal sealed class ClientSecretBasicHandler : DelegatingHandler
{
    /// <summary>The <see cref="HttpContext.Items"/> key of the form-encoded <c>client_id:client_secret</c> to send.</summary>
    public static readonly object CredentialKey = new();

    private readonly IHttpContextAccessor _httpContextAccessor;

    public ClientSecretBasicHandler(IHttpContextAccessor httpContextAccessor)
    {
        _httpContextAccessor = httpContextAccessor;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Post
            && _httpContextAccessor.HttpContext?.Items is { } items
            && items.Remove(CredentialKey, out var value)
            && value is string credential)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credential)));
        }

        return base.SendAsync(request, cancellationToken);
    }
}
