using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using static ActionGuard.Tests.Client.ClientTestData;

namespace ActionGuard.Tests.Client;

public sealed class ApprovalClientTests
{
    [Fact]
    public async Task Create_sends_camelCase_body_with_idempotency_key_and_bearer_token_and_parses_201()
    {
        string? body = null, key = null, authorization = null, contentType = null;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapPost("/v1/approvals", async (HttpContext ctx) =>
        {
            body = await ctx.ReadBodyAsync();
            key = ctx.Request.Headers["Idempotency-Key"];
            authorization = ctx.Request.Headers.Authorization;
            contentType = ctx.Request.ContentType;
            await ctx.WriteAsync(201, ApprovalJson("apr_1"));
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var approval = await client.CreateApprovalAsync(CreateRequest(), "key-123");

        Assert.Equal("apr_1", approval.Id);
        Assert.Equal(ApprovalStatus.Pending, approval.Status);
        Assert.Equal("customers.export", approval.Action.Name);
        Assert.Equal("s3://bucket", approval.Action.Destination);
        Assert.Equal("key-123", key);
        Assert.Equal("Bearer " + ApiKey, authorization);
        Assert.StartsWith("application/json", contentType, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(body!);
        var root = json.RootElement;
        Assert.Equal("data_export", root.GetProperty("action").GetProperty("kind").GetString());
        Assert.Equal("customers.export", root.GetProperty("action").GetProperty("name").GetString());
        Assert.Equal(1000, root.GetProperty("arguments").GetProperty("rowLimit").GetInt32());
        Assert.Equal(1204, root.GetProperty("dataClasses").GetProperty("email").GetInt64());
        Assert.StartsWith("sha256:", root.GetProperty("actionHash").GetString(), StringComparison.Ordinal);
        Assert.False(root.TryGetProperty("justification", out _), "nulls are not written");
        Assert.False(root.TryGetProperty("initiator", out _), "nulls are not written");
        Assert.False(root.TryGetProperty("Action", out _), "property names are camelCase");
    }

    [Fact]
    public async Task Create_accepts_200_for_a_replayed_idempotency_key()
    {
        await using var server = await KestrelTestServer.StartAsync(app => app.MapPost("/v1/approvals",
            (HttpContext ctx) => ctx.WriteAsync(200, ApprovalJson("apr_same", "approved"))));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var approval = await client.CreateApprovalAsync(CreateRequest(), "key-123");

        Assert.Equal("apr_same", approval.Id);
        Assert.Equal(ApprovalStatus.Approved, approval.Status);
    }

    [Fact]
    public async Task Access_token_provider_is_called_per_request_and_wins_over_the_api_key()
    {
        var seen = new ConcurrentQueue<string>();
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}", (HttpContext ctx) =>
        {
            seen.Enqueue(ctx.Request.Headers.Authorization.ToString());
            return ctx.WriteAsync(200, ApprovalJson((string)ctx.Request.RouteValues["id"]!));
        }));
        var calls = 0;
        var options = Options(server.BaseAddress);
        options.AccessTokenProvider = _ => new ValueTask<string>("jwt-" + Interlocked.Increment(ref calls));
        using var client = new ApprovalClient(options);

        await client.GetApprovalAsync("apr_1");
        await client.GetApprovalAsync("apr_1");

        Assert.Equal(["Bearer jwt-1", "Bearer jwt-2"], seen.ToArray());
    }

    [Fact]
    public async Task Failing_access_token_provider_fails_closed_without_calling_the_backend()
    {
        var hits = 0;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}", (HttpContext ctx) =>
        {
            Interlocked.Increment(ref hits);
            return ctx.WriteAsync(200, ApprovalJson("apr_1"));
        }));
        var options = Options(server.BaseAddress);
        options.AccessTokenProvider = _ => throw new InvalidOperationException("IdP down");
        using var client = new ApprovalClient(options);

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.GetApprovalAsync("apr_1"));

        Assert.IsType<InvalidOperationException>(ex.InnerException);
        Assert.Equal("apr_1", ex.ApprovalId);
        Assert.Equal(0, hits);
    }

    [Fact]
    public async Task Get_escapes_the_approval_id_in_the_path()
    {
        string? rawTarget = null;
        await using var server = await KestrelTestServer.StartAsync(app => app.Run(ctx =>
        {
            rawTarget = ctx.Features.Get<IHttpRequestFeature>()!.RawTarget;
            return ctx.WriteAsync(200, ApprovalJson("a/b c?d"));
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var approval = await client.GetApprovalAsync("a/b c?d");

        Assert.Equal("/v1/approvals/a%2Fb%20c%3Fd", rawTarget);
        Assert.Equal("a/b c?d", approval.Id);
    }

    [Fact]
    public async Task Endpoint_with_a_path_prefix_is_kept()
    {
        string? path = null;
        await using var server = await KestrelTestServer.StartAsync(app => app.Run(ctx =>
        {
            path = ctx.Request.Path;
            return ctx.WriteAsync(200, ApprovalJson("apr_1"));
        }));
        using var client = new ApprovalClient(Options(new Uri(server.BaseAddress, "approvals-api")));

        await client.GetApprovalAsync("apr_1");

        Assert.Equal("/approvals-api/v1/approvals/apr_1", path);
    }

    [Fact]
    public async Task Get_refuses_a_reply_about_another_approval()
    {
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}",
            (HttpContext ctx) => ctx.WriteAsync(200, ApprovalJson("apr_other", "approved"))));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.GetApprovalAsync("apr_1"));

        Assert.Equal("apr_1", ex.ApprovalId);
        Assert.Contains("apr_other", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Claim_returns_the_decision_token()
    {
        string? method = null;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapPost("/v1/approvals/{id}/claim", (HttpContext ctx) =>
        {
            method = ctx.Request.Method;
            return ctx.WriteAsync(200, """{"decisionToken":"eyJ.a.b"}""");
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var result = await client.ClaimAsync("apr_1");

        Assert.Equal("eyJ.a.b", result.DecisionToken);
        Assert.Equal("POST", method);
    }

    [Fact]
    public async Task Claim_without_a_token_is_BackendUnavailable()
    {
        await using var server = await KestrelTestServer.StartAsync(app => app.MapPost("/v1/approvals/{id}/claim",
            (HttpContext ctx) => ctx.WriteAsync(200, """{"decisionToken":""}""")));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.ClaimAsync("apr_1"));

        Assert.Equal(HttpStatusCode.OK, ex.StatusCode);
        Assert.Equal("apr_1", ex.ApprovalId);
    }

    [Fact]
    public async Task Outcome_is_sent_with_lower_case_status_and_cancel_is_posted()
    {
        string? outcomeBody = null;
        var cancelled = false;
        await using var server = await KestrelTestServer.StartAsync(app =>
        {
            app.MapPost("/v1/approvals/{id}/outcome", async (HttpContext ctx) =>
            {
                outcomeBody = await ctx.ReadBodyAsync();
                await ctx.WriteAsync(200, ApprovalJson("apr_1", "failed"));
            });
            app.MapPost("/v1/approvals/{id}/cancel", (HttpContext ctx) =>
            {
                cancelled = (string?)ctx.Request.RouteValues["id"] == "apr_2";
                ctx.Response.StatusCode = 204;
                return Task.CompletedTask;
            });
        });
        using var client = new ApprovalClient(Options(server.BaseAddress));

        await client.ReportOutcomeAsync("apr_1", new ApprovalOutcome { Status = OutcomeStatus.Failed, Error = "disk full" });
        await client.CancelAsync("apr_2");

        using var json = JsonDocument.Parse(outcomeBody!);
        Assert.Equal("failed", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("disk full", json.RootElement.GetProperty("error").GetString());
        Assert.True(cancelled);
    }

    [Fact]
    public async Task Validation_problem_surfaces_as_RequestRejected_with_the_field_names()
    {
        await using var server = await KestrelTestServer.StartAsync(app => app.MapPost("/v1/approvals", (HttpContext ctx) => ctx.WriteAsync(
            400,
            """
            {"type":"https://actionguard.dev/problems/validation","title":"The request is invalid","status":400,
             "detail":"2 fields failed validation","errors":{"action.name":["The name is required."],"actionHash":["Must start with sha256:."]}}
            """,
            "application/problem+json")));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var ex = await Assert.ThrowsAsync<ApprovalRequestRejectedException>(() => client.CreateApprovalAsync(CreateRequest(), "key-1"));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("https://actionguard.dev/problems/validation", ex.ProblemType);
        Assert.Equal(["The name is required."], ex.Errors["action.name"]);
        Assert.Contains("action.name", ex.Message, StringComparison.Ordinal);
        Assert.Contains("actionHash", ex.Message, StringComparison.Ordinal);
        Assert.Contains("The request is invalid", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2 fields failed validation", ex.Message, StringComparison.Ordinal);
        Assert.Equal("data_export", ex.ActionKind);
        Assert.Equal("customers.export", ex.ActionName);
    }

    [Fact]
    public async Task Conflict_surfaces_as_RequestRejected_and_is_not_retried()
    {
        var hits = 0;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapPost("/v1/approvals/{id}/claim", (HttpContext ctx) =>
        {
            Interlocked.Increment(ref hits);
            return ctx.WriteAsync(409, """{"type":"https://actionguard.dev/problems/already-claimed","title":"Already claimed","status":409}""", "application/problem+json");
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var ex = await Assert.ThrowsAsync<ApprovalRequestRejectedException>(() => client.ClaimAsync("apr_1"));

        Assert.Equal(HttpStatusCode.Conflict, ex.StatusCode);
        Assert.Equal("https://actionguard.dev/problems/already-claimed", ex.ProblemType);
        Assert.Empty(ex.Errors);
        Assert.Equal("apr_1", ex.ApprovalId);
        Assert.Contains("Already claimed", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, hits);
    }

    [Fact]
    public async Task Client_error_without_a_problem_body_is_still_RequestRejected()
    {
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}",
            (HttpContext ctx) => ctx.WriteAsync(401, "<html>nope</html>", "text/html")));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var ex = await Assert.ThrowsAsync<ApprovalRequestRejectedException>(() => client.GetApprovalAsync("apr_1"));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Null(ex.ProblemType);
    }

    [Fact]
    public async Task Malformed_json_surfaces_as_BackendUnavailable_with_the_JsonException()
    {
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}",
            (HttpContext ctx) => ctx.WriteAsync(200, """{"id":"apr_1","status":""")));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.GetApprovalAsync("apr_1"));

        Assert.IsAssignableFrom<JsonException>(ex.InnerException);
        Assert.Equal(HttpStatusCode.OK, ex.StatusCode);
        Assert.Equal("apr_1", ex.ApprovalId);
    }

    [Fact]
    public async Task Unknown_status_surfaces_as_BackendUnavailable()
    {
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}",
            (HttpContext ctx) => ctx.WriteAsync(200, ApprovalJson("apr_1", "approved_by_magic"))));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.GetApprovalAsync("apr_1"));

        Assert.IsAssignableFrom<JsonException>(ex.InnerException);
    }

    [Theory]
    [InlineData("", "application/json")]
    [InlineData("null", "application/json")]
    [InlineData("[]", "application/json")]
    [InlineData("""{"id":"apr_1","status":"approved"}""", "application/json")]
    [InlineData("""{"id":"apr_1","status":1,"action":{"kind":"k","name":"n"}}""", "application/json")]
    [InlineData("""{"id":null,"status":"approved","action":{"kind":"k","name":"n"}}""", "application/json")]
    [InlineData("""{"id":"apr_1","status":"approved","action":{"kind":"k","name":"n"}}""", "text/html")]
    public async Task Reply_that_is_not_an_approval_surfaces_as_BackendUnavailable(string body, string contentType)
    {
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}",
            (HttpContext ctx) => ctx.WriteAsync(200, body, contentType)));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.GetApprovalAsync("apr_1"));

        Assert.Equal(HttpStatusCode.OK, ex.StatusCode);
    }

    [Fact]
    public async Task Server_error_surfaces_as_BackendUnavailable_with_the_status_after_retries()
    {
        var hits = 0;
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}", (HttpContext ctx) =>
        {
            Interlocked.Increment(ref hits);
            return ctx.WriteAsync(500, """{"title":"Store offline"}""", "application/problem+json");
        }));
        using var client = new ApprovalClient(Options(server.BaseAddress, r => r.MaxRetryAttempts = 2));

        var ex = await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.GetApprovalAsync("apr_1"));

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Contains("Store offline", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, hits);
    }

    [Fact]
    public async Task Signing_keys_are_returned_as_sent()
    {
        const string Jwks = """{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","x":"AQ","y":"Ag"}]}""";
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/.well-known/jwks.json",
            (HttpContext ctx) => ctx.WriteAsync(200, Jwks, "application/jwk-set+json")));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        var document = await client.GetSigningKeysAsync();

        Assert.Equal(Jwks, document);
    }

    [Theory]
    [InlineData("""{"keys":{}}""")]
    [InlineData("""[{"keys":[]}]""")]
    [InlineData("""{"kid":"k1"}""")]
    [InlineData("""{"keys":[""")]
    public async Task Signing_keys_that_are_not_a_key_set_surface_as_BackendUnavailable(string body)
    {
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/.well-known/jwks.json",
            (HttpContext ctx) => ctx.WriteAsync(200, body)));
        using var client = new ApprovalClient(Options(server.BaseAddress));

        await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => client.GetSigningKeysAsync());
    }

    [Fact]
    public void Convenience_constructor_requires_an_endpoint()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ApprovalClient(new ApprovalClientOptions()));

        Assert.Equal("options", ex.ParamName);
    }

    [Fact]
    public async Task Client_over_a_caller_HttpClient_does_not_dispose_it()
    {
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}",
            (HttpContext ctx) => ctx.WriteAsync(200, ApprovalJson("apr_1"))));
        using var httpClient = new HttpClient { BaseAddress = server.BaseAddress };
        var client = new ApprovalClient(httpClient, new ApprovalClientOptions { ApiKey = ApiKey });

        await client.GetApprovalAsync("apr_1");
        client.Dispose();

        using var response = await httpClient.GetAsync(new Uri(server.BaseAddress, "v1/approvals/apr_1"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Owning_client_releases_its_HttpClient_on_dispose()
    {
        await using var server = await KestrelTestServer.StartAsync(app => app.MapGet("/v1/approvals/{id}",
            (HttpContext ctx) => ctx.WriteAsync(200, ApprovalJson("apr_1"))));
        var client = new ApprovalClient(Options(server.BaseAddress));
        await client.GetApprovalAsync("apr_1");

        client.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetApprovalAsync("apr_1"));
    }
}
