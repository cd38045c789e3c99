using System.Net;
using System.Text;
using System.Text.Json;
using ActionGuard.Server.Tests.TestSupport;

namespace ActionGuard.Server.Tests.Endpoints;

// Hostile bodies sent as raw bytes to a real server: each is a 400 problem naming the field, never a 500, and nothing
// the caller wrote reaches the server's logs at any level.
public sealed class MalformedBodyTests(IdpFixture fixture) : IClassFixture<IdpFixture>, IAsyncLifetime, IDisposable
{
    private const string Marker = "zq-secret-7731";

    private readonly CapturedLogs _logs = new();
    private ServerHost _host = null!;

    public async Task InitializeAsync() => _host = await ServerHost.StartKestrelAsync(fixture.Idp, logs: _logs);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _logs.Dispose();
    }

    public void Dispose() => _logs.Dispose();

    public static TheoryData<string, string> CreateBodies => new()
    {
        { Body(name: "\"Export\\ud800" + Marker + "\""), "action.name" },
        { Body(name: "\"Export\\udc00\\ud800" + Marker + "\""), "action.name" },
        { Body(arguments: "{\"path\":\"" + Marker + "\\ud800\"}"), "arguments.path" },
        { Body(arguments: "{\"filter\":{\"deep\":[\"" + Marker + "\\udfff\"]}}"), "arguments.filter" },
        { Body(justification: "\"\\ud83d" + Marker + "\""), "justification" },
        { Body(arguments: "{\"limit\":1e400}"), "arguments.limit" },
        { Body(arguments: "{\"limit\":{\"n\":-1e999}}"), "arguments.limit" },
        { Body(dataClasses: "{\"email\":1e30}"), "dataClasses.email" },
        { Body(extra: "\"action\":{\"kind\":\"data_export\",\"name\":\"" + Marker + "\"},"), "action" },
        { Body(name: "\"Export\",\"name\":\"" + Marker + "\""), "action.name" },
        { Body(arguments: "{\"path\":\"a\",\"path\":\"" + Marker + "\"}"), "arguments.path" },
        { Body(arguments: "{\"filter\":{\"k\":1,\"k\":\"" + Marker + "\"}}"), "arguments.filter" },
        { Body(initiator: "{\"subject\":\"alice\",\"subject\":\"" + Marker + "\"}"), "initiator.subject" },
    };

    [Theory]
    [MemberData(nameof(CreateBodies))]
    public async Task A_malformed_create_body_is_a_400_naming_the_field_and_nothing_of_it_is_logged(string body, string field)
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        var reply = await PostRawAsync(agent, "v1/approvals", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        using var problem = JsonDocument.Parse(reply.Text);
        Assert.EndsWith("/validation", problem.RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field} in {reply.Text}");
        Assert.DoesNotContain(Marker, reply.Text, StringComparison.Ordinal);
        Assert.False(_logs.Contain(Marker), "the body reached the logs");
        Assert.Empty(_logs.Lines.Where(l => l.Level is Microsoft.Extensions.Logging.LogLevel.Error or Microsoft.Extensions.Logging.LogLevel.Critical).Select(l => l.Text));
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_are_a_400_naming_the_field_and_are_not_logged()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        var bytes = Encoding.UTF8.GetBytes(Body(name: "\"Export" + Marker + "\"")).ToList();
        var at = bytes.IndexOf((byte)'E');
        bytes.InsertRange(at, [0xED, 0xA0, 0x80]); // a surrogate encoded as UTF-8: not valid UTF-8
        using var content = new ByteArrayContent([.. bytes]);
        content.Headers.ContentType = new("application/json");
        using var response = await agent.PostAsync("v1/approvals", content);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"action.name\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, text, StringComparison.Ordinal);
        Assert.False(_logs.Contain(Marker), "the body reached the logs");
    }

    [Theory]
    [InlineData("{\"verdict\":\"approve\",\"verdict\":\"deny\",\"reason\":\"" + Marker + "\"}", "verdict")]
    [InlineData("{\"verdict\":\"deny\",\"reason\":\"\\ud800" + Marker + "\"}", "reason")]
    public async Task A_malformed_decision_is_a_400_naming_the_field_and_leaves_the_request_pending(string body, string field)
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        using var approver = _host.CreateClient(fixture.Idp.IssueToken("alice"));
        var id = await Api.CreatePendingAsync(agent);

        var reply = await PostRawAsync(approver, $"v1/approvals/{id}/decisions", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains("\"" + field + "\"", reply.Text, StringComparison.Ordinal);
        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
        Assert.False(_logs.Contain(Marker), "the body reached the logs");
    }

    private static string Body(string name = "\"Exporter.Export\"", string arguments = "{\"segment\":\"emea\"}", string dataClasses = "{\"email\":3}", string justification = "\"report\"", string initiator = "null", string extra = "") =>
        "{" + extra + "\"action\":{\"kind\":\"data_export\",\"name\":" + name + ",\"environment\":\"prod\"}," +
        "\"initiator\":" + initiator + ",\"arguments\":" + arguments + ",\"dataClasses\":" + dataClasses +
        ",\"justification\":" + justification + ",\"actionHash\":\"" + Api.NewHash() + "\"}";

    private static async Task<(HttpStatusCode Status, string? ContentType, string Text)> PostRawAsync(HttpClient client, string path, string body)
    {
        using var content = new StringContent(body, new UTF8Encoding(false), "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await client.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }
}
