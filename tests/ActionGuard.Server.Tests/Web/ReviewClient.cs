using System.Net;
using System.Text.RegularExpressions;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.AspNetCore.WebUtilities;

namespace ActionGuard.Server.Tests.Web;

// A browser without a browser: cookies, no automatic redirects, and the sign-in steps one by one, so tests can change
// any of them.
public sealed partial class ReviewClient : IDisposable
{
    private readonly HttpClient _provider = new(new HttpClientHandler { AllowAutoRedirect = false });

    public ReviewClient(ServerHost host)
    {
        Cookies = new CookieContainer();
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = Cookies }) { BaseAddress = host.BaseAddress };
        BaseAddress = host.BaseAddress;
    }

    public CookieContainer Cookies { get; }

    public HttpClient Http { get; }

    public Uri BaseAddress { get; }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public static string AntiforgeryToken(string html) => TokenPattern().Match(html).Groups[1].Value;

    /// <summary>GET /review/signin; returns the provider's authorize URL the server redirected to.</summary>
    public async Task<Uri> StartSignInAsync(string returnUrl = "/review")
    {
        using var response = await Http.GetAsync("review/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    /// <summary>Signs <paramref name="user"/> in at the provider's login form; returns the callback URL it redirects to.</summary>
    public async Task<Uri> LoginAtProviderAsync(Uri authorize, string user)
    {
        var query = QueryHelpers.ParseQuery(authorize.Query);
        var form = query.ToDictionary(q => q.Key, q => q.Value.ToString());
        form["username"] = user;
        using var response = await _provider.PostAsync(new Uri(authorize, "/login"), new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    /// <summary>The whole sign-in; returns the callback's response.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string user, string returnUrl = "/review")
    {
        var callback = await LoginAtProviderAsync(await StartSignInAsync(returnUrl), user);
        return await Http.GetAsync(callback);
    }

    /// <summary>Opens the request's page and submits its decision form, as the signed-in person would.</summary>
    public async Task<HttpResponseMessage> DecideOnThePageAsync(string approvalId, string verdict, string? reason = null)
    {
        var token = AntiforgeryToken((await GetPageAsync("review/" + approvalId)).Html);
        var form = new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["verdict"] = verdict };
        if (reason is not null)
        {
            form["reason"] = reason;
        }

        return await Http.PostAsync($"review/{approvalId}/decision", new FormUrlEncodedContent(form));
    }

    public async Task<(HttpResponseMessage Response, string Html)> GetPageAsync(string path)
    {
        var response = await Http.GetAsync(path);
        return (response, await response.Content.ReadAsStringAsync());
    }

    public Cookie? Cookie(string name, string path = "/review") =>
        Cookies.GetCookies(new Uri(BaseAddress, path)).FirstOrDefault(c => c.Name == name);

    /// <summary>The cookies sent to the sign-in callback whose names start with <paramref name="prefix"/>.</summary>
    public IReadOnlyList<Cookie> SignInCookies(string prefix = "ag_review_signin.") =>
        [.. Cookies.GetCookies(new Uri(BaseAddress, "review/callback")).Where(c => c.Name.StartsWith(prefix, StringComparison.Ordinal))];

    public void Dispose()
    {
        Http.Dispose();
        _provider.Dispose();
    }
}
