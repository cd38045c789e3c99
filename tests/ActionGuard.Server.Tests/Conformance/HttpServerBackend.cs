using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Server.Tests.TestSupport;

namespace ActionGuard.Server.Tests.Conformance;

/// <summary>The server on Kestrel at 127.0.0.1, over HTTP, with the store its settings choose.</summary>
public sealed class HttpServerBackend : ConformanceBackend
{
    private readonly ServerHost _host;
    private readonly TestOidcIssuer _idp;
    private readonly Dictionary<string, ApprovalClient> _agents = new(StringComparer.Ordinal);
    private readonly List<HttpClient> _clients = [];

    private HttpServerBackend(ServerHost host, TestOidcIssuer idp)
    {
        _host = host;
        _idp = idp;
        foreach (var (agent, key) in new[] { (AgentId, ServerHost.AgentKey), (OtherAgentId, ServerHost.OtherAgentKey) })
        {
            var http = host.CreateRawClient();
            _clients.Add(http);
            _agents[agent] = new ApprovalClient(http, new ApprovalClientOptions { Endpoint = host.BaseAddress, ApiKey = key });
        }
    }

    public override string PeopleIssuer => _idp.Issuer;

    public static async Task<HttpServerBackend> StartAsync(Action<Dictionary<string, string?>>? settings = null)
    {
        var idp = await TestOidcIssuer.StartAsync();
        try
        {
            // ServerHost's default settings carry the conformance policy's rules under the same names.
            var host = await ServerHost.StartKestrelAsync(idp, settings);
            return new HttpServerBackend(host, idp);
        }
        catch
        {
            await idp.DisposeAsync();
            throw;
        }
    }

    public override ApprovalClient Agent(string agentId) => _agents[agentId];

    public override async Task<Refusal?> DecideAsync(string approvalId, string subject, ApprovalVerdict verdict, string? reason = null)
    {
        using var approver = _host.CreateClient(_idp.IssueToken(subject, subject));
        var reply = await Api.DecideAsync(approver, approvalId, verdict == ApprovalVerdict.Approve ? "approve" : "deny", reason);
        if (reply.Status == HttpStatusCode.OK)
        {
            return null;
        }

        using var problem = JsonDocument.Parse(reply.Text);
        return new Refusal(reply.Status, problem.RootElement.TryGetProperty("type", out var type) ? type.GetString() : null);
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents.Values)
        {
            agent.Dispose();
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await _host.DisposeAsync();
        await _idp.DisposeAsync();
    }
}
