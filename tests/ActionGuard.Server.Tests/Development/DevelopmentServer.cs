using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ActionGuard.Server.Development;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActionGuard.Server.Tests.Development;

// The server on Kestrel at 127.0.0.1 with development mode on (or off), an agent key and one data_export rule that
// needs a data steward. The port is chosen before start because the development issuer's name contains it.
public sealed partial class DevelopmentServer : IAsyncDisposable
{
    /// <summary>A PKCE code verifier (RFC 7636): 32 random bytes as base64url.</summary>
    public static string NewVerifier() => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The S256 challenge of <paramref name="verifier"/>.</summary>
    public static string Challenge(string verifier) =>
        Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));

    public const string ApproverGroup = "data-stewards";

    private readonly WebApplication _app;
    private readonly bool _ownsData;

    private DevelopmentServer(WebApplication app, Uri baseAddress, string dataDirectory, bool ownsData)
    {
        _app = app;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        _ownsData = ownsData;
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    public IServiceProvider Services => _app.Services;

    public string Issuer => BaseAddress.AbsoluteUri + "dev/oidc";

    public string Callback => BaseAddress.AbsoluteUri + "review/callback";

    public static Dictionary<string, string?> Settings(string dataDirectory) => new()
    {
        ["ActionGuard:DataDirectory"] = dataDirectory,
        ["ActionGuard:Agents:ApiKeys:0:AgentId"] = ServerHost.AgentId,
        ["ActionGuard:Agents:ApiKeys:0:KeyHash"] = ServerHost.Hash(ServerHost.AgentKey),
        ["ActionGuard:Limits:AgentRequestsPerSecond"] = "10000",
        ["ActionGuard:Limits:AgentBurst"] = "10000",
        ["ActionGuard:Limits:ApproverRequestsPerSecond"] = "10000",
        ["ActionGuard:Limits:ApproverBurst"] = "10000",
        ["ActionGuard:Policy:Rules:0:Name"] = "stewards",
        ["ActionGuard:Policy:Rules:0:Kind"] = "data_export",
        ["ActionGuard:Policy:Rules:0:ApproverGroups:0"] = ApproverGroup,
    };

    /// <summary>Builds the server; <paramref name="listen"/> overrides the loopback listener (tests that try to expose it).</summary>
    public static WebApplication Build(
        bool dev,
        string dataDirectory,
        int port,
        Action<Dictionary<string, string?>>? settings = null,
        TimeProvider? timeProvider = null,
        IPAddress? listen = null)
    {
        var values = Settings(dataDirectory);
        settings?.Invoke(values);
        return ActionGuardServer.Create([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(values);
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(listen ?? IPAddress.Loopback, port));
            if (timeProvider is not null)
            {
                builder.Services.AddSingleton(timeProvider);
            }

            if (dev)
            {
                builder.Services.AddActionGuardDevelopmentMode(new Uri($"http://127.0.0.1:{port}/"));
            }
        });
    }

    public static async Task<DevelopmentServer> StartAsync(
        bool dev = true,
        Action<Dictionary<string, string?>>? settings = null,
        TimeProvider? timeProvider = null,
        string? dataDirectory = null)
    {
        var ownsData = dataDirectory is null;
        dataDirectory ??= ServerHost.NewDataDirectory();
        var port = FreePort();
        var app = Build(dev, dataDirectory, port, settings, timeProvider);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new DevelopmentServer(app, new Uri($"http://127.0.0.1:{port}/"), dataDirectory, ownsData);
    }

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>A client that keeps cookies and does not follow redirects, so each step of a sign-in can be checked.</summary>
    public HttpClient CreateBrowser(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies ?? new CookieContainer() }) { BaseAddress = BaseAddress };

    /// <summary>The query of an authorization request as the review page sends it, with the given PKCE verifier.</summary>
    public Dictionary<string, string?> AuthorizeQuery(string verifier, string clientId = DevelopmentIssuer.Audience, string? redirectUri = null) => new()
    {
        ["response_type"] = "code",
        ["client_id"] = clientId,
        ["redirect_uri"] = redirectUri ?? Callback,
        ["scope"] = "openid profile email",
        ["state"] = "state-" + Guid.NewGuid().ToString("N"),
        ["nonce"] = "nonce-" + Guid.NewGuid().ToString("N"),
        ["code_challenge"] = DevelopmentServer.Challenge(verifier),
        ["code_challenge_method"] = "S256",
    };

    public static string AuthorizePath(IDictionary<string, string?> query) => QueryHelpers.AddQueryString("dev/oidc/authorize", query);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public static string AntiforgeryToken(string html) => TokenPattern().Match(html).Groups[1].Value;

    /// <summary>Opens the sign-in form for <paramref name="query"/> and submits it; returns the form's answer.</summary>
    public static async Task<HttpResponseMessage> SubmitSignInAsync(HttpClient browser, IDictionary<string, string?> query, string user, params string[] groups)
    {
        using var form = await browser.GetAsync(AuthorizePath(query));
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var fields = new List<KeyValuePair<string, string>>(query.Select(q => KeyValuePair.Create(q.Key, q.Value ?? string.Empty)))
        {
            new("__RequestVerificationToken", AntiforgeryToken(await form.Content.ReadAsStringAsync())),
            new("username", user),
        };
        fields.AddRange(groups.Select(g => KeyValuePair.Create("group", g)));
        return await browser.PostAsync("dev/oidc/authorize", new FormUrlEncodedContent(fields));
    }

    /// <summary>Signs in at the form and returns the code sent to the callback.</summary>
    public static async Task<string> CodeAsync(HttpClient browser, IDictionary<string, string?> query, string user, params string[] groups)
    {
        using var answer = await SubmitSignInAsync(browser, query, user, groups);
        Assert.Equal(HttpStatusCode.SeeOther, answer.StatusCode);
        var location = answer.Headers.Location!;
        var returned = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal(query["state"], returned["state"].ToString());
        return returned["code"].ToString();
    }

    public Task<HttpResponseMessage> RedeemAsync(HttpClient http, string code, string verifier, string clientId = DevelopmentIssuer.Audience, string? redirectUri = null) =>
        http.PostAsync("dev/oidc/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri ?? Callback,
            ["client_id"] = clientId,
            ["code_verifier"] = verifier,
        }));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_ownsData)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
