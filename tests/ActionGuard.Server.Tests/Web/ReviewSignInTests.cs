using System.Net;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Server.Tests.Web;

// The sign-in of the review page over plain HTTP: authorization code + PKCE, state, nonce, audience, cookies.
public sealed class ReviewSignInTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    private TestOidcProvider Provider => fixture.Provider;

    [Fact]
    public async Task A_visitor_who_is_not_signed_in_is_redirected_to_the_sign_in_with_the_page_to_return_to()
    {
        await using var host = await fixture.StartServerAsync();
        using var client = new ReviewClient(host);

        using var response = await client.Http.GetAsync("review/apr_0123");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/review/signin?returnUrl=%2Freview%2Fapr_0123", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Sign_in_redirects_to_the_authorization_endpoint_with_an_S256_challenge_and_binds_the_state_to_the_browser()
    {
        await using var host = await fixture.StartServerAsync();
        using var client = new ReviewClient(host);

        using var response = await client.Http.GetAsync("review/signin");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var authorize = response.Headers.Location!;
        Assert.StartsWith(Provider.Issuer + "/authorize?", authorize.AbsoluteUri, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(authorize.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(TestOidcProvider.ClientId, query["client_id"]);
        Assert.Equal(new Uri(host.BaseAddress, "review/callback").AbsoluteUri, query["redirect_uri"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"].ToString().Length);
        Assert.Contains("openid", query["scope"].ToString().Split(' '));
        Assert.True(query["state"].ToString().Length >= 43);
        Assert.True(query["nonce"].ToString().Length >= 43);
        Assert.NotEqual(query["state"], query["nonce"]);

        // The state binds to this browser through HttpOnly, Lax cookies scoped to the callback.
        var cookies = response.Headers.GetValues("Set-Cookie").Where(c => c.StartsWith("ag_review_signin.", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, cookies.Count);
        Assert.All(cookies, c =>
        {
            Assert.Contains("httponly", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=lax", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("path=/review/callback", c, StringComparison.OrdinalIgnoreCase);
        });

        // The PKCE verifier travels in the state, data-protected: nothing of it is readable there.
        var state = System.Text.Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(query["state"].ToString()));
        Assert.DoesNotContain("code_verifier", state, StringComparison.Ordinal);
        Assert.DoesNotContain("/review", state, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_completed_sign_in_starts_an_HttpOnly_session_and_returns_to_the_requested_page()
    {
        await using var host = await fixture.StartServerAsync();
        using var client = new ReviewClient(host);

        using var callback = await client.SignInAsync("alice", returnUrl: "/review/apr_42");

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/review/apr_42", callback.Headers.Location!.OriginalString);
        var session = Assert.Single(callback.Headers.GetValues("Set-Cookie"), c => c.StartsWith("ag_review=", StringComparison.Ordinal));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(client.SignInCookies());
        Assert.Equal(TestOidcProvider.ClientId, Provider.LastTokenRequest["client_id"]);
        Assert.Equal("authorization_code", Provider.LastTokenRequest["grant_type"]);

        var (page, html) = await client.GetPageAsync("review");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Signed in as <strong>Alice</strong>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_callback_whose_state_does_not_match_is_refused_and_signs_nobody_in()
    {
        await using var host = await fixture.StartServerAsync();
        using var client = new ReviewClient(host);
        var callback = await client.LoginAtProviderAsync(await client.StartSignInAsync(), "alice");
        var query = QueryHelpers.ParseQuery(callback.Query);

        var forged = new Uri(host.BaseAddress, $"review/callback?code={Uri.EscapeDataString(query["code"]!)}&state=forged-state");
        var (response, html) = await client.GetPageAsync(forged.PathAndQuery);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
        Assert.Contains("state returned by the identity provider does not match", html, StringComparison.Ordinal);
        Assert.Null(client.Cookie("ag_review"));
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync("review")).StatusCode);
    }

    [Fact]
    public async Task A_changed_sign_in_cookie_is_refused()
    {
        await using var host = await fixture.StartServerAsync();
        using var client = new ReviewClient(host);
        var callback = await client.LoginAtProviderAsync(await client.StartSignInAsync(), "alice");
        var correlation = client.SignInCookies().Single(c => !c.Name.StartsWith("ag_review_signin.nonce.", StringComparison.Ordinal));
        correlation.Value = "X";

        var (response, html) = await client.GetPageAsync(callback.PathAndQuery);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("cookie is missing, was changed", html, StringComparison.Ordinal);
        Assert.Null(client.Cookie("ag_review"));
    }

    [Fact]
    public async Task A_code_redeemed_with_another_sign_ins_verifier_fails_the_PKCE_check()
    {
        await using var host = await fixture.StartServerAsync();

        // The attacker's code, injected into the victim's sign-in: the victim's verifier does not match the challenge.
        using var attacker = new ReviewClient(host);
        var stolen = QueryHelpers.ParseQuery((await attacker.LoginAtProviderAsync(await attacker.StartSignInAsync(), "mallory")).Query);
        using var victim = new ReviewClient(host);
        var victimState = QueryHelpers.ParseQuery((await victim.StartSignInAsync()).Query)["state"].ToString();
        var failures = Provider.PkceFailures;

        var (response, html) = await victim.GetPageAsync($"review/callback?code={Uri.EscapeDataString(stolen["code"]!)}&state={Uri.EscapeDataString(victimState)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("refused the code", html, StringComparison.Ordinal);
        Assert.Equal(failures + 1, Provider.PkceFailures);
        Assert.Null(victim.Cookie("ag_review"));
    }

    [Fact]
    public async Task The_verifier_sent_to_the_token_endpoint_is_the_one_whose_hash_was_the_challenge()
    {
        await using var host = await fixture.StartServerAsync();
        using var client = new ReviewClient(host);
        var authorize = await client.StartSignInAsync();
        var challenge = QueryHelpers.ParseQuery(authorize.Query)["code_challenge"].ToString();

        using var response = await client.Http.GetAsync(await client.LoginAtProviderAsync(authorize, "alice"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var verifier = Provider.LastTokenRequest["code_verifier"];
        Assert.Equal(challenge, Base64UrlEncoder.Encode(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier))));
    }

    [Fact]
    public async Task An_id_token_with_another_nonce_is_refused()
    {
        await using var host = await fixture.StartServerAsync();
        using var client = new ReviewClient(host);
        Provider.NonceOverride = "replayed-nonce";
        try
        {
            using var response = await client.SignInAsync("alice");
            var html = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("nonce does not match", html, StringComparison.Ordinal);
            Assert.Null(client.Cookie("ag_review"));
        }
        finally
        {
            Provider.NonceOverride = null;
        }
    }

    [Fact]
    public async Task An_id_token_issued_to_another_client_is_refused()
    {
        await using var host = await fixture.StartServerAsync();
        using var client = new ReviewClient(host);
        Provider.AudienceOverride = TestOidcProvider.ApiAudience;
        try
        {
            using var response = await client.SignInAsync("alice");

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("id token is not valid", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Null(client.Cookie("ag_review"));
        }
        finally
        {
            Provider.AudienceOverride = null;
        }
    }

    [Fact]
    public async Task A_confidential_client_authenticates_at_the_token_endpoint_with_its_secret()
    {
        await using var host = await fixture.StartServerAsync(s => s["ActionGuard:Review:ClientSecret"] = "s3cret:with/odd+chars");
        using var client = new ReviewClient(host);
        Provider.ClientSecret = "s3cret:with/odd+chars";
        try
        {
            using var response = await client.SignInAsync("alice");

            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("Basic ", Provider.LastTokenAuthorization, StringComparison.Ordinal);
            Assert.False(Provider.LastTokenRequest.ContainsKey("client_secret"));
        }
        finally
        {
            Provider.ClientSecret = null;
        }
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/review")]
    [InlineData("/v1/approvals")]
    [InlineData("/review/..//evil.example")]
    public async Task A_return_url_outside_the_review_page_is_replaced_by_the_list(string returnUrl)
    {
        await using var host = await fixture.StartServerAsync();
        using var client = new ReviewClient(host);

        using var response = await client.SignInAsync("alice", returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/review", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Sign_out_needs_the_forms_antiforgery_token_and_ends_the_session()
    {
        await using var host = await fixture.StartServerAsync();
        using var client = new ReviewClient(host);
        await client.SignInAsync("alice");
        var (_, html) = await client.GetPageAsync("review");

        using var forged = await client.Http.PostAsync("review/signout", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("review")).StatusCode);

        using var signOut = await client.Http.PostAsync("review/signout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = ReviewClient.AntiforgeryToken(html),
        }));
        Assert.Equal(HttpStatusCode.SeeOther, signOut.StatusCode);
        Assert.Equal("/review/signedout", signOut.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync("review")).StatusCode);
    }

    [Theory]
    [InlineData("ActionGuard:Review:Issuer", "https://unknown.example/", "ActionGuard:Review:Issuer")]
    [InlineData("ActionGuard:Review:Scopes", "profile email", "ActionGuard:Review:Scopes")]
    [InlineData("ActionGuard:Review:SessionLifetime", "00:00:00", "ActionGuard:Review:SessionLifetime")]
    [InlineData("ActionGuard:ReviewUrlBase", "https://actionguard.example.com/approvals", "ActionGuard:ReviewUrlBase")]
    public async Task Invalid_review_configuration_stops_the_start_naming_the_key(string key, string value, string named)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => fixture.StartServerAsync(s => s[key] = value));

        Assert.Contains(error.Failures, f => f.StartsWith(named, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_secret_without_a_client_id_stops_the_start_naming_the_client_id()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => fixture.StartServerAsync(s =>
        {
            s.Remove("ActionGuard:Review:ClientId");
            s["ActionGuard:Review:ClientSecret"] = "secret";
        }));

        Assert.Contains(error.Failures, f => f.StartsWith("ActionGuard:Review:ClientId", StringComparison.Ordinal));
    }
}
