using System.Net;

namespace ActionGuard.Server.Development;

/// <summary>
/// Development mode is on: the server trusts <see cref="DevelopmentIssuer"/> and serves its endpoints. Registered only by
/// <see cref="DevelopmentModeServiceCollectionExtensions.AddActionGuardDevelopmentMode"/>; its presence in the services
/// is what maps the endpoints, so a server without it has none of them.
/// </summary>
internal sealed class DevelopmentMode
{
    public DevelopmentMode(Uri serverAddress)
    {
        ServerAddress = serverAddress;
        Issuer = DevelopmentIssuer.IssuerFor(serverAddress);
    }

    public Uri ServerAddress { get; }

    public string Issuer { get; }

    public string MetadataAddress => Issuer + "/.well-known/openid-configuration";

    /// <summary>
    /// True for absolute http(s) URLs whose host is <c>localhost</c> or a literal address in 127.0.0.0/8 or <c>[::1]</c>.
    /// Wildcards (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>), other addresses and other host names are not loopback.
    /// </summary>
    public static bool IsLoopback(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && IsLoopback(uri);

    public static bool IsLoopback(Uri uri) =>
        uri.IsAbsoluteUri
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address)));

    /// <summary>
    /// Trusts the development issuer alongside the configured ones, points the review page at it unless the
    /// configuration names a client of its own, and sets <c>ReviewUrlBase</c> to this server's review page unless set.
    /// </summary>
    public void Apply(ActionGuardServerOptions options)
    {
        options.Issuers.Add(new OidcIssuerOptions
        {
            Issuer = Issuer,
            Audience = DevelopmentIssuer.Audience,
            MetadataAddress = MetadataAddress,
            RequireHttpsMetadata = false,
        });
        if (string.IsNullOrWhiteSpace(options.Review.ClientId))
        {
            options.Review.ClientId = DevelopmentIssuer.Audience;
            options.Review.ClientSecret = null;
            options.Review.Issuer = Issuer;
        }

        // Requests then carry their review page, which Slack, Teams, webhooks and the CLI show.
        if (string.IsNullOrWhiteSpace(options.ReviewUrlBase))
        {
            options.ReviewUrlBase = new Uri(ServerAddress, "review").AbsoluteUri;
        }
    }
}
