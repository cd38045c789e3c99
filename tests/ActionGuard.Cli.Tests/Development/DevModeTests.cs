using ActionGuard.Cli.Development;
using ActionGuard.Server.Development;
using ActionGuard.Cli.Tests.TestSupport;

namespace ActionGuard.Cli.Tests.Development;

// serve --dev: loopback only, only when asked for, loud, and its tokens work only on a --dev server.
public sealed class DevModeTests
{
    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://*:0")]
    [InlineData("http://+:0")]
    [InlineData("http://[::]:0")]
    [InlineData("http://10.1.2.3:5080")]
    [InlineData("http://approvals.example.com:5080")]
    [InlineData("http://127.0.0.1:0;http://0.0.0.0:0")]
    public async Task Dev_mode_is_refused_on_an_address_that_is_not_loopback(string urls)
    {
        var dataDirectory = CliServer.NewDataDirectory();

        var result = await CliRunner.RunAsync("serve", "--dev", "--urls", urls, "--data-dir", dataDirectory);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--dev refused", result.Error);
        Assert.Contains("not a loopback address", result.Error);
        Assert.False(File.Exists(Path.Combine(dataDirectory, DevelopmentIssuer.FileName)), "no development key may be written");
    }

    [Fact]
    public async Task Dev_mode_is_refused_when_configuration_adds_an_endpoint_that_is_not_loopback()
    {
        var dataDirectory = CliServer.NewDataDirectory();

        var result = await CliRunner.RunAsync(
            "serve", "--dev", "--urls", "http://127.0.0.1:0", "--data-dir", dataDirectory, "--Kestrel:Endpoints:Public:Url", "http://0.0.0.0:0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--dev refused: Kestrel:Endpoints:Public:Url 'http://0.0.0.0:0' is not a loopback address", result.Error);
        Assert.False(File.Exists(Path.Combine(dataDirectory, DevelopmentIssuer.FileName)), "no development key may be written");
        Assert.DoesNotContain("listening", result.Out);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.8.9.10:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("https://LOCALHOST", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://localhost.example.com:5080", false)]
    [InlineData("http://128.0.0.1:5080", false)]
    [InlineData("127.0.0.1:5080", false)]
    public void Loopback_means_127_0_0_0_8_ipv6_loopback_or_localhost(string url, bool loopback) =>
        Assert.Equal(loopback, LoopbackUrls.IsLoopback(url));

    [Fact]
    public async Task Dev_mode_prints_an_insecure_banner_and_serves_discovery_and_jwks()
    {
        await using var server = await CliServer.StartAsync(dev: true);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var discovery = await http.GetStringAsync("dev/oidc/.well-known/openid-configuration");
        var jwks = await http.GetStringAsync("dev/oidc/jwks");

        Assert.Contains("DEVELOPMENT MODE", server.Error);
        Assert.Contains("INSECURE", server.Error);
        Assert.Contains($"\"issuer\": \"{server.BaseAddress.AbsoluteUri}dev/oidc\"", discovery);
        Assert.Contains("\"kty\": \"EC\"", jwks);
        Assert.DoesNotContain("\"d\"", jwks);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(server.DataDirectory, DevelopmentIssuer.FileName)));
        }
    }

    [Fact]
    public async Task Dev_mode_prints_the_review_page_and_serves_the_development_sign_in_there()
    {
        await using var server = await CliServer.StartAsync(dev: true);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        var reviewPage = server.BaseAddress.AbsoluteUri + "review";

        using var signIn = await http.GetAsync("review/signin");

        Assert.Contains($"Review page: {reviewPage}" + Environment.NewLine, server.Output);
        Assert.Contains($"!!  Review page: {reviewPage} (sign in on its development form", server.Error);
        Assert.StartsWith(server.BaseAddress.AbsoluteUri + "dev/oidc/authorize?", signIn.Headers.Location?.AbsoluteUri);
        Assert.Contains("client_id=" + DevelopmentIssuer.Audience, signIn.Headers.Location!.Query);
    }

    [Fact]
    public async Task Without_dev_the_development_issuer_is_not_trusted_even_when_its_key_is_in_the_data_folder()
    {
        var dataDirectory = CliServer.NewDataDirectory();
        string token;
        await using (var devServer = await CliServer.StartAsync(dev: true, dataDirectory: dataDirectory))
        {
            token = await devServer.TokenAsync("alice", "approvers");
            Assert.Equal(0, (await devServer.RunAsync(token, "approvals", "list")).ExitCode);
        }

        await using var server = await CliServer.StartAsync(dev: false, dataDirectory: dataDirectory);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var fresh = await server.TokenAsync("alice", "approvers");

        var result = await server.RunAsync(fresh, "approvals", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("(401 unauthorized)", result.Error);
        Assert.DoesNotContain("DEVELOPMENT MODE", server.Error);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("dev/oidc/jwks")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("dev/oidc/authorize")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("review")).StatusCode);
        Assert.DoesNotContain("Review page:", server.Output);
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task A_damaged_development_key_file_stops_serve_dev_and_dev_token_with_its_name()
    {
        var dataDirectory = CliServer.NewDataDirectory();
        Directory.CreateDirectory(dataDirectory);
        var file = Path.Combine(dataDirectory, DevelopmentIssuer.FileName);
        await File.WriteAllTextAsync(file, "{ \"issuer\": 42 }");

        var serve = await CliRunner.RunAsync("serve", "--dev", "--urls", "http://127.0.0.1:0", "--data-dir", dataDirectory);
        var token = await CliRunner.RunAsync("dev", "token", "--subject", "alice", "--data-dir", dataDirectory);

        Assert.Equal(1, serve.ExitCode);
        Assert.Contains($"{file} is not a valid development issuer file", serve.Error);
        Assert.DoesNotContain("listening", serve.Out);
        Assert.Equal(1, token.ExitCode);
        Assert.Contains($"{file} is not a valid development issuer file", token.Error);
        Assert.Equal(string.Empty, token.Out);
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Dev_token_is_refused_without_a_data_folder_that_serve_dev_has_used()
    {
        var result = await CliRunner.RunAsync("dev", "token", "--subject", "alice", "--data-dir", CliServer.NewDataDirectory());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no development issuer", result.Error);
        Assert.Contains("serve --dev", result.Error);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public async Task Dev_token_carries_subject_groups_and_the_issuer_of_the_running_server()
    {
        await using var server = await CliServer.StartAsync();

        var token = await server.TokenAsync("alice", "approvers", CliServer.AuditorGroup);

        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token);
        Assert.Equal("alice", jwt.Subject);
        Assert.Equal(server.BaseAddress.AbsoluteUri + "dev/oidc", jwt.Issuer);
        Assert.Equal([DevelopmentIssuer.Audience], jwt.Audiences);
        Assert.Equal(["approvers", CliServer.AuditorGroup], jwt.Claims.Where(c => c.Type == "groups").Select(c => c.Value));
        Assert.InRange(jwt.ValidTo - jwt.ValidFrom, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
    }
}
