using System.Net;
using System.Net.Sockets;
using ActionGuard.Server.Development;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Tests.Development;

// Development mode exists only when code turns it on, and only on loopback.
public sealed class DevelopmentModeTests
{
    [Fact]
    public async Task Without_development_mode_nothing_under_dev_oidc_or_review_exists_even_with_a_key_file_and_a_configuration_key()
    {
        var dataDirectory = ServerHost.NewDataDirectory();
        string token;
        await using (var dev = await DevelopmentServer.StartAsync(dataDirectory: dataDirectory))
        {
            using var issuer = DevelopmentIssuer.TryLoad(dataDirectory)!;
            token = issuer.MintToken("alice", [DevelopmentServer.ApproverGroup], null, null, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
        }

        await using var server = await DevelopmentServer.StartAsync(dev: false, dataDirectory: dataDirectory, settings: s =>
        {
            // Not a switch: no configuration key turns development mode on.
            s["ActionGuard:Development:Enabled"] = "true";
            s["ActionGuard:Dev"] = "true";
        });
        using var http = server.CreateBrowser();
        using var approver = new HttpClient { BaseAddress = server.BaseAddress };
        approver.DefaultRequestHeaders.Authorization = new("Bearer", token);

        foreach (var path in new[] { "dev/oidc/.well-known/openid-configuration", "dev/oidc/jwks", "dev/oidc/authorize", "review", "review/signin" })
        {
            using var response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, path + ": " + response.StatusCode);
        }

        foreach (var path in new[] { "dev/oidc/authorize", "dev/oidc/token" })
        {
            using var response = await http.PostAsync(path, new FormUrlEncodedContent([]));
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, path + ": " + response.StatusCode);
        }

        Assert.Null(server.Services.GetService<DevelopmentIssuer>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.GetAsync(approver, "v1/approvals")).Status);
        Assert.DoesNotContain(server.Services.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value.Issuers, i => i.Issuer!.EndsWith("/dev/oidc", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Development_mode_points_the_review_page_at_the_development_client_and_trusts_the_issuer()
    {
        await using var server = await DevelopmentServer.StartAsync();

        var options = server.Services.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value;

        Assert.Equal(DevelopmentIssuer.Audience, options.Review.ClientId);
        Assert.Equal(server.Issuer, options.Review.Issuer);
        Assert.Contains(options.Issuers, i => i.Issuer == server.Issuer && i.Audience == DevelopmentIssuer.Audience && !i.RequireHttpsMetadata);
        Assert.True(File.Exists(Path.Combine(server.DataDirectory, DevelopmentIssuer.FileName)));
        Assert.Equal(server.BaseAddress.AbsoluteUri + "review", options.ReviewUrlBase);
    }

    [Fact]
    public async Task A_review_client_of_the_configuration_is_kept_in_development_mode()
    {
        await using var server = await DevelopmentServer.StartAsync(settings: s =>
        {
            s["ActionGuard:Issuers:0:Issuer"] = "https://login.example.com/";
            s["ActionGuard:Issuers:0:Audience"] = "actionguard";
            s["ActionGuard:Review:ClientId"] = "actionguard-review";
            s["ActionGuard:Review:Issuer"] = "https://login.example.com/";
        });

        var review = server.Services.GetRequiredService<IOptions<ActionGuardServerOptions>>().Value.Review;

        Assert.Equal("actionguard-review", review.ClientId);
        Assert.Equal("https://login.example.com/", review.Issuer);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5080/")]
    [InlineData("http://[::]:5080/")]
    [InlineData("http://10.1.2.3:5080/")]
    [InlineData("http://approvals.example.com:5080/")]
    [InlineData("http://localhost.example.com:5080/")]
    [InlineData("http://128.0.0.1:5080/")]
    [InlineData("ftp://127.0.0.1:5080/")]
    [InlineData("http://127.0.0.1:0/")]
    public void Development_mode_is_refused_for_an_address_that_is_not_loopback(string address)
    {
        var services = new ServiceCollection();

        var refused = Assert.Throws<ArgumentException>(() => services.AddActionGuardDevelopmentMode(new Uri(address)));

        Assert.Contains("Development mode refused", refused.Message, StringComparison.Ordinal);
        Assert.Empty(services);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080/")]
    [InlineData("http://127.8.9.10:5080/")]
    [InlineData("http://localhost:5080/")]
    [InlineData("http://[::1]:5080/")]
    public void Development_mode_is_accepted_on_loopback(string address)
    {
        var services = new ServiceCollection();

        services.AddActionGuardDevelopmentMode(new Uri(address));

        Assert.Contains(services, d => d.ServiceType == typeof(DevelopmentIssuer));
    }

    [Fact]
    public async Task Development_mode_refuses_to_start_when_configuration_adds_an_endpoint_that_is_not_loopback_and_writes_no_key()
    {
        var dataDirectory = ServerHost.NewDataDirectory();
        var port = DevelopmentServer.FreePort();
        await using var app = DevelopmentServer.Build(dev: true, dataDirectory, port, s => s["Kestrel:Endpoints:Public:Url"] = "http://0.0.0.0:" + DevelopmentServer.FreePort());

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Development mode refused: Kestrel:Endpoints:Public:Url", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dataDirectory, DevelopmentIssuer.FileName)), "no development key may be written");
        using var probe = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, port));
    }

    [Fact]
    public async Task Development_mode_refuses_to_start_when_the_server_is_bound_to_every_interface()
    {
        var port = DevelopmentServer.FreePort();
        await using var app = DevelopmentServer.Build(dev: true, ServerHost.NewDataDirectory(), port, listen: IPAddress.Any);

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Development mode refused: the server also listens on", refused.Message, StringComparison.Ordinal);
        Assert.True(app.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
    }
}
