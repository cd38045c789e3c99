using System.Net;
using System.Text.Json;
using ActionGuard.Server.Development;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Server.Tests.Development;

// The development OIDC provider under /dev/oidc: the sign-in form, one-time PKCE-bound codes for the development client
// only, and id tokens the review page's own OIDC validation accepts.
public sealed class DevelopmentProviderTests
{
    private static readonly string Verifier = DevelopmentServer.NewVerifier();

    [Fact]
    public async Task Discovery_names_the_code_flow_with_S256_on_the_server_itself()
    {
        await using var server = await DevelopmentServer.StartAsync();
        using var http = server.CreateBrowser();

        using var document = JsonDocument.Parse(await http.GetStringAsync("dev/oidc/.well-known/openid-configuration"));

        var root = document.RootElement;
        Assert.Equal(server.Issuer, root.GetProperty("issuer").GetString());
        Assert.Equal(server.Issuer + "/authorize", root.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(server.Issuer + "/token", root.GetProperty("token_endpoint").GetString());
        Assert.Equal(["S256"], root.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["code"], root.GetProperty("response_types_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_person_signs_in_to_the_review_page_through_the_development_form()
    {
        await using var server = await DevelopmentServer.StartAsync();
        using var browser = server.CreateBrowser();

        using var list = await browser.GetAsync("review");
        Assert.Equal(HttpStatusCode.Redirect, list.StatusCode);
        using var signIn = await browser.GetAsync(list.Headers.Location);
        var authorize = signIn.Headers.Location!;
        Assert.StartsWith(server.Issuer + "/authorize?", authorize.AbsoluteUri, StringComparison.Ordinal);
        using var form = await browser.GetAsync(authorize);
        var html = await form.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains("DEVELOPMENT ONLY — not an identity provider", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"username\">User name</label>", html, StringComparison.Ordinal);
        Assert.Contains($"value=\"{DevelopmentServer.ApproverGroup}\"", html, StringComparison.Ordinal);

        var query = QueryHelpers.ParseQuery(authorize.Query).ToDictionary(q => q.Key, q => (string?)q.Value.ToString());
        var fields = query.Select(q => KeyValuePair.Create(q.Key, q.Value!)).Concat(
        [
            KeyValuePair.Create("__RequestVerificationToken", DevelopmentServer.AntiforgeryToken(html)),
            KeyValuePair.Create("username", "alice"),
            KeyValuePair.Create("group", DevelopmentServer.ApproverGroup),
            KeyValuePair.Create("other_groups", "finance, ops"),
        ]);
        using var answer = await browser.PostAsync("dev/oidc/authorize", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.SeeOther, answer.StatusCode);
        Assert.StartsWith(server.Callback + "?code=", answer.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        using var callback = await browser.GetAsync(answer.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        var page = await browser.GetStringAsync(callback.Headers.Location);

        Assert.Contains("Signed in as <strong>alice</strong>", page, StringComparison.Ordinal);
        Assert.Contains("id=\"dev-mode\"", page, StringComparison.Ordinal);
        Assert.Contains("Development mode", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_endpoint_returns_an_id_token_for_the_person_the_client_and_the_nonce()
    {
        await using var server = await DevelopmentServer.StartAsync();
        using var browser = server.CreateBrowser();
        var query = server.AuthorizeQuery(Verifier);
        var code = await DevelopmentServer.CodeAsync(browser, query, "alice", DevelopmentServer.ApproverGroup, "actionguard-auditors");

        using var response = await server.RedeemAsync(browser, code, Verifier);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var idToken = new JsonWebToken(body.RootElement.GetProperty("id_token").GetString());
        Assert.Equal(server.Issuer, idToken.Issuer);
        Assert.Equal([DevelopmentIssuer.Audience], idToken.Audiences);
        Assert.Equal("alice", idToken.Subject);
        Assert.Equal(query["nonce"], idToken.GetClaim("nonce").Value);
        Assert.Equal([DevelopmentServer.ApproverGroup, "actionguard-auditors"], idToken.Claims.Where(c => c.Type == "groups").Select(c => c.Value));
        Assert.Equal("ES256", idToken.Alg);

        // Signed by the development issuer's key, as published in its JWKS.
        var jwks = new JsonWebKeySet(await browser.GetStringAsync("dev/oidc/jwks"));
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(idToken.EncodedToken, new TokenValidationParameters
        {
            ValidIssuer = server.Issuer,
            ValidAudience = DevelopmentIssuer.Audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
    }

    [Fact]
    public async Task A_code_is_redeemed_once()
    {
        await using var server = await DevelopmentServer.StartAsync();
        using var browser = server.CreateBrowser();
        var code = await DevelopmentServer.CodeAsync(browser, server.AuthorizeQuery(Verifier), "alice");

        using var first = await server.RedeemAsync(browser, code, Verifier);
        using var second = await server.RedeemAsync(browser, code, Verifier);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Contains("\"invalid_grant\"", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_PKCE_verifier_is_refused_and_burns_the_code()
    {
        await using var server = await DevelopmentServer.StartAsync();
        using var browser = server.CreateBrowser();
        var code = await DevelopmentServer.CodeAsync(browser, server.AuthorizeQuery(Verifier), "alice");

        using var wrong = await server.RedeemAsync(browser, code, DevelopmentServer.NewVerifier());
        using var missing = await server.RedeemAsync(browser, code, string.Empty);
        using var right = await server.RedeemAsync(browser, code, Verifier);

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("\"invalid_grant\"", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, right.StatusCode);
    }

    [Fact]
    public async Task A_code_sent_with_another_redirect_uri_is_refused()
    {
        await using var server = await DevelopmentServer.StartAsync();
        using var browser = server.CreateBrowser();
        var code = await DevelopmentServer.CodeAsync(browser, server.AuthorizeQuery(Verifier), "alice");

        using var response = await server.RedeemAsync(browser, code, Verifier, redirectUri: server.BaseAddress.AbsoluteUri + "review/elsewhere");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"invalid_grant\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_code_expires_after_a_minute()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await DevelopmentServer.StartAsync(timeProvider: clock);
        using var browser = server.CreateBrowser();
        var code = await DevelopmentServer.CodeAsync(browser, server.AuthorizeQuery(Verifier), "alice");

        clock.Advance(TimeSpan.FromSeconds(61));
        using var response = await server.RedeemAsync(browser, code, Verifier);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"invalid_grant\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_client_id_is_refused_at_the_token_endpoint()
    {
        await using var server = await DevelopmentServer.StartAsync();
        using var browser = server.CreateBrowser();
        var code = await DevelopmentServer.CodeAsync(browser, server.AuthorizeQuery(Verifier), "alice");

        using var response = await server.RedeemAsync(browser, code, Verifier, clientId: "someone-else");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("\"invalid_client\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("client_id", "someone-else", "is unknown")]
    [InlineData("redirect_uri", "http://approvals.example.com/review/callback", "redirect_uri")]
    [InlineData("redirect_uri", "http://127.0.0.1:1/review/callback", "redirect_uri")]
    [InlineData("redirect_uri", "http://127.0.0.1:{port}/elsewhere", "redirect_uri")]
    [InlineData("code_challenge_method", "plain", "PKCE")]
    [InlineData("code_challenge", "", "PKCE")]
    [InlineData("response_type", "token", "response_type=code")]
    [InlineData("scope", "profile", "openid")]
    public async Task An_authorization_request_that_is_not_the_review_pages_is_refused_without_a_redirect(string parameter, string value, string problem)
    {
        await using var server = await DevelopmentServer.StartAsync();
        using var browser = server.CreateBrowser();
        var query = server.AuthorizeQuery(Verifier);
        query[parameter] = value.Replace("{port}", server.BaseAddress.Port.ToString(), StringComparison.Ordinal);

        using var response = await browser.GetAsync(DevelopmentServer.AuthorizePath(query));

        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains(problem, html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"username\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sign_in_form_is_refused_without_its_antiforgery_token()
    {
        await using var server = await DevelopmentServer.StartAsync();
        using var browser = server.CreateBrowser();
        var fields = server.AuthorizeQuery(Verifier).Select(q => KeyValuePair.Create(q.Key, q.Value!)).Append(KeyValuePair.Create("username", "alice"));

        using var response = await browser.PostAsync("dev/oidc/authorize", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("Form not accepted", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Enter a user name")]
    [InlineData("policy:auto", "reserved")]
    [InlineData("tab\tname", "control characters")]
    public async Task A_user_name_that_cannot_be_a_subject_is_refused_on_the_form(string user, string error)
    {
        await using var server = await DevelopmentServer.StartAsync();
        using var browser = server.CreateBrowser();

        using var response = await DevelopmentServer.SubmitSignInAsync(browser, server.AuthorizeQuery(Verifier), user);

        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains(error, html, StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", html, StringComparison.Ordinal);
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_typed_user_name_with_markup_is_encoded_on_the_form_kept_exactly_in_the_token_and_encoded_on_the_page()
    {
        const string User = "<script>alert(1)</script>\"&'eve";
        await using var server = await DevelopmentServer.StartAsync();
        using var browser = server.CreateBrowser();

        // Back on the form (a group that is too long), the typed name is shown as text.
        var query = server.AuthorizeQuery(Verifier);
        using var form = await browser.GetAsync(DevelopmentServer.AuthorizePath(query));
        var fields = query.Select(q => KeyValuePair.Create(q.Key, q.Value!)).Concat(
        [
            KeyValuePair.Create("__RequestVerificationToken", DevelopmentServer.AntiforgeryToken(await form.Content.ReadAsStringAsync())),
            KeyValuePair.Create("username", User),
            KeyValuePair.Create("other_groups", new string('g', 101) + " <b>x</b>"),
        ]);
        using var refused = await browser.PostAsync("dev/oidc/authorize", new FormUrlEncodedContent(fields));
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>x</b>", html, StringComparison.Ordinal);
        Assert.Contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;&#x27;eve\"", html, StringComparison.Ordinal);

        // Signed in, the token carries the name as typed, and the review page shows it as text.
        var code = await DevelopmentServer.CodeAsync(browser, server.AuthorizeQuery(Verifier), User);
        using var token = await server.RedeemAsync(browser, code, Verifier);
        using var body = JsonDocument.Parse(await token.Content.ReadAsStringAsync());
        Assert.Equal(User, new JsonWebToken(body.RootElement.GetProperty("id_token").GetString()).Subject);

        using var page = server.CreateBrowser();
        using var start = await page.GetAsync("review/signin");
        var authorize = start.Headers.Location!;
        var signInQuery = QueryHelpers.ParseQuery(authorize.Query).ToDictionary(q => q.Key, q => (string?)q.Value.ToString());
        using var answer = await DevelopmentServer.SubmitSignInAsync(page, signInQuery, User);
        using var callback = await page.GetAsync(answer.Headers.Location);
        var list = await page.GetStringAsync(callback.Headers.Location);
        Assert.DoesNotContain("<script>alert(1)", list, StringComparison.Ordinal);
        Assert.Contains("Signed in as <strong>&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;&#x27;eve</strong>", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_from_the_sign_in_form_is_accepted_by_the_API_as_that_person()
    {
        await using var server = await DevelopmentServer.StartAsync();
        using var browser = server.CreateBrowser();
        var code = await DevelopmentServer.CodeAsync(browser, server.AuthorizeQuery(Verifier), "alice", DevelopmentServer.ApproverGroup);
        using var token = await server.RedeemAsync(browser, code, Verifier);
        using var body = JsonDocument.Parse(await token.Content.ReadAsStringAsync());
        using var agent = new HttpClient { BaseAddress = server.BaseAddress };
        agent.DefaultRequestHeaders.Authorization = new("Bearer", ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent);
        using var approver = new HttpClient { BaseAddress = server.BaseAddress };
        approver.DefaultRequestHeaders.Authorization = new("Bearer", body.RootElement.GetProperty("access_token").GetString());

        var reply = await Api.DecideAsync(approver, id);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }
}
