using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Testing;
using ActionGuard.Tests.TestSupport;

namespace ActionGuard.Tests.EndToEnd;

// The double must speak PROTOCOL.md itself, or the end-to-end tests prove nothing.
public sealed class ProtocolTestServerTests
{
    private static readonly string ApiKey = ProtocolTestServer.ApiKeyFor("agent-raw");

    private const string CreateBody = """
        {"action":{"kind":"data_export","name":"customers.export"},"arguments":{"rows":3},"actionHash":"sha256:0000000000000000000000000000000000000000000000000000000000000000"}
        """;

    [Fact]
    public async Task Create_requires_an_idempotency_key()
    {
        await using var server = await StartAsync();
        using var http = Http(server);

        using var response = await http.PostAsync("v1/approvals", Json(CreateBody));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("https://actionguard.dev/problems/validation", problem.RootElement.GetProperty("type").GetString());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        Assert.Empty(server.Backend.Approvals);
    }

    [Fact]
    public async Task Create_answers_201_then_200_for_a_replay_and_409_for_another_body()
    {
        await using var server = await StartAsync();
        using var http = Http(server);

        using var first = await PostCreateAsync(http, "key-1", CreateBody);
        using var replay = await PostCreateAsync(http, "key-1", CreateBody);
        using var conflict = await PostCreateAsync(http, "key-1", CreateBody.Replace("\"rows\":3", "\"rows\":4", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        using var approval = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        Assert.Equal("pending", approval.RootElement.GetProperty("status").GetString());
        Assert.Equal("agent-raw", approval.RootElement.GetProperty("agentId").GetString());
        Assert.Equal(3, approval.RootElement.GetProperty("arguments").GetProperty("rows").GetInt32());
        Assert.Single(server.Backend.Approvals);
    }

    [Fact]
    public async Task Agent_endpoints_require_a_known_api_key_and_jwks_does_not()
    {
        await using var server = await StartAsync();
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };

        using var create = await anonymous.PostAsync("v1/approvals", Json(CreateBody));
        using var jwks = await anonymous.GetAsync(".well-known/jwks.json");

        Assert.Equal(HttpStatusCode.Unauthorized, create.StatusCode);
        Assert.Equal("application/problem+json", create.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, jwks.StatusCode);
        using var keys = JsonDocument.Parse(await jwks.Content.ReadAsStringAsync());
        Assert.Equal(server.Backend.SigningKeyIds.Single(), keys.RootElement.GetProperty("keys")[0].GetProperty("kid").GetString());
    }

    [Fact]
    public async Task Tokens_are_issued_by_the_server_base_address()
    {
        await using var server = await StartAsync();

        Assert.Equal(server.BaseAddress, server.Backend.Issuer);
        Assert.Equal(server.BaseAddress.AbsoluteUri.TrimEnd('/'), server.Backend.TokenIssuer);
    }

    [Fact]
    public async Task Watching_through_the_sdk_client_streams_changes_until_a_final_status()
    {
        await using var server = await StartAsync();
        server.Backend.RespondWith(ApprovalScript.NeverAnswer());
        await using var agent = TestAgent.Create(server);
        var created = await agent.Client.CreateApprovalAsync(
            new CreateApprovalRequest { Action = new ApprovalAction { Kind = "data_export", Name = "customers.export" }, ActionHash = "sha256:" + new string('0', 64) },
            "key-watch");

        var seen = new List<ApprovalStatus>();
        await foreach (var approval in agent.Client.WatchApprovalAsync(created.Id))
        {
            Assert.Equal(created.Id, approval.Id);
            seen.Add(approval.Status);
            if (approval.Status == ApprovalStatus.Pending)
            {
                await server.Backend.DenyAsync(created.Id, "bob@example.com", "not today");
            }
        }

        Assert.Equal([ApprovalStatus.Pending, ApprovalStatus.Denied], seen);
        Assert.Equal(1, server.CountRequests(ProtocolEndpoint.ApprovalEvents));
    }

    [Fact]
    public async Task Watching_an_unknown_approval_is_a_404_problem()
    {
        await using var server = await StartAsync();
        await using var agent = TestAgent.Create(server);

        var ex = await Assert.ThrowsAsync<ApprovalRequestRejectedException>(async () =>
        {
            await foreach (var approval in agent.Client.WatchApprovalAsync("apr_missing"))
            {
                Assert.Fail("no event expected, got " + approval.Status);
            }
        });

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal("https://actionguard.dev/problems/approval-not-found", ex.ProblemType);
    }

    [Fact]
    public async Task Faults_apply_in_order_for_the_requested_count_then_stop()
    {
        await using var server = await StartAsync();
        server.InjectFault(ProtocolEndpoint.SigningKeys, ServerFault.Status(HttpStatusCode.ServiceUnavailable), times: 2);
        server.InjectFault(ProtocolEndpoint.SigningKeys, ServerFault.Status(HttpStatusCode.BadGateway));
        using var http = Http(server);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await http.GetAsync(".well-known/jwks.json");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.BadGateway, HttpStatusCode.OK], statuses);
        Assert.Equal(4, server.CountRequests(ProtocolEndpoint.SigningKeys));
    }

    private static Task<ProtocolTestServer> StartAsync() => ProtocolTestServer.StartAsync();

    private static HttpClient Http(ProtocolTestServer server)
    {
        var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return http;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<HttpResponseMessage> PostCreateAsync(HttpClient http, string idempotencyKey, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/approvals") { Content = Json(body) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await http.SendAsync(request);
    }
}
