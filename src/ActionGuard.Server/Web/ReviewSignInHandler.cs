using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Web;

/// <summary>
/// ASP.NET Core's OpenID Connect handler, silent when the review page is off: the authentication middleware asks every
/// remote scheme about every request, and without a client id no request is the review page's callback.
/// </summary>
internal sealed class ReviewSignInHandler : OpenIdConnectHandler
{
    private readonly bool _reviewOn;

    public ReviewSignInHandler(IOptionsMonitor<OpenIdConnectOptions> options, ILoggerFactory logger, HtmlEncoder htmlEncoder, UrlEncoder encoder, IOptions<ActionGuardServerOptions> server)
        : base(options, logger, htmlEncoder, encoder)
    {
        _reviewOn = ReviewSignIn.IsOn(server.Value);
    }

    public override Task<bool> ShouldHandleRequestAsync() => _reviewOn ? base.ShouldHandleRequestAsync() : Task.FromResult(false);
}
