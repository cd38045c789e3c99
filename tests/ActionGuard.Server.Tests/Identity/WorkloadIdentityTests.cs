using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ActionGuard.Client;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Server.Tests.Identity;

// Agents authenticated by a JWT from the configured workload issuer (ActionGuard:Agents:Workload), through a real
// Kestrel and a real OIDC issuer (discovery + JWKS). The agent id is the value of ActionGuard:Agents:AgentIdClaim
// (default `sub`) of the validated token.
public sealed class WorkloadIdentityTests(WorkloadIssuersFixture fixture) : IClassFixture<WorkloadIssuersFixture>
{
    private const string WorkloadAudience = "actionguard-agents";
    private const string WorkloadAgentId = "spiffe://prod.example/ns/billing/sa/exporter";

    private TestOidcIssuer People => fixture.People;

    private TestOidcIssuer Workload => fixture.Workload;

    [Fact]
    public async Task Workload_jwt_creates_and_claims_and_the_decision_token_aud_is_the_jwt_sub()
    {
        await using var host = await StartAsync();
        using var agent = host.CreateClient(WorkloadToken());
        using var approver = host.CreateClient(People.IssueToken("alice"));

        var created = await Api.CreateAsync(agent, Api.Body());
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(WorkloadAgentId, (string?)created.Json["agentId"]);
        Assert.Equal("pending", created.ApprovalStatus);

        Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync(agent, "v1/approvals/" + created.Id)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Api.DecideAsync(approver, created.Id)).Status);

        var claim = await Api.ClaimAsync(agent, created.Id);
        Assert.Equal(HttpStatusCode.OK, claim.Status);
        var token = new JsonWebToken((string)claim.Json["decisionToken"]!);
        Assert.Equal(WorkloadAgentId, Assert.Single(token.Audiences));
        Assert.Equal(created.Id, token.Subject);

        using var auditor = host.CreateClient(People.IssueToken("auditor", groups: ["actionguard-auditors"]));
        var audit = await Api.GetAsync(auditor, "v1/audit");
        Assert.Equal(HttpStatusCode.OK, audit.Status);
        Assert.Contains("\"agent:" + WorkloadAgentId + "\"", audit.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_id_comes_from_the_configured_AgentIdClaim_and_a_token_without_it_is_401()
    {
        await using var host = await StartAsync(s => s["ActionGuard:Agents:AgentIdClaim"] = "name");
        using var named = host.CreateClient(Workload.IssueToken("workload-subject", name: "exporter-bot", audience: WorkloadAudience));
        using var unnamed = host.CreateClient(Workload.IssueToken("workload-subject", audience: WorkloadAudience));

        var created = await Api.CreateAsync(named, Api.Body());
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("exporter-bot", (string?)created.Json["agentId"]);

        AssertProblem(await Api.CreateAsync(unnamed, Api.Body()), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Workload_issuer_configured_with_a_trailing_slash_accepts_tokens_whose_iss_has_none()
    {
        await using var host = await StartAsync(s => s["ActionGuard:Agents:Workload:Issuer"] = Workload.Issuer + "/");
        using var agent = host.CreateClient(WorkloadToken());

        var created = await Api.CreateAsync(agent, Api.Body());

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(WorkloadAgentId, (string?)created.Json["agentId"]);
    }

    [Fact]
    public async Task Workload_jwt_from_an_unknown_issuer_is_401()
    {
        await using var host = await StartAsync();
        await AssertRefusedAsync(host, Workload.IssueToken(WorkloadAgentId, audience: WorkloadAudience, issuer: "https://workload.attacker.example"));
    }

    [Fact]
    public async Task Token_from_the_people_issuer_with_the_workload_audience_is_401_not_an_agent()
    {
        await using var host = await StartAsync();
        await AssertRefusedAsync(host, People.IssueToken(WorkloadAgentId, audience: WorkloadAudience));
    }

    [Fact]
    public async Task Workload_jwt_for_another_audience_is_401()
    {
        await using var host = await StartAsync();
        await AssertRefusedAsync(host, Workload.IssueToken(WorkloadAgentId, audience: TestOidcIssuer.Audience));
    }

    [Fact]
    public async Task Workload_jwt_is_accepted_within_the_one_minute_skew_after_exp_and_401_from_then_on()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var host = await StartAsync(timeProvider: time);
        var token = WorkloadToken(now: time.GetUtcNow(), lifetime: TimeSpan.FromMinutes(5));
        using var agent = host.CreateClient(token);

        Assert.Equal(HttpStatusCode.Created, (await Api.CreateAsync(agent, Api.Body())).Status);

        time.Advance(TimeSpan.FromMinutes(6) - TimeSpan.FromSeconds(1)); // exp + skew - 1 s
        Assert.Equal(HttpStatusCode.Created, (await Api.CreateAsync(agent, Api.Body())).Status);

        time.Advance(TimeSpan.FromSeconds(1)); // exp + skew
        AssertProblem(await Api.CreateAsync(agent, Api.Body()), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Workload_jwt_that_expired_long_ago_is_401()
    {
        await using var host = await StartAsync();
        await AssertRefusedAsync(host, WorkloadToken(now: DateTimeOffset.UtcNow - TimeSpan.FromHours(2), lifetime: TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public async Task Workload_jwt_signed_by_a_foreign_key_under_the_issuers_kid_is_401()
    {
        await using var host = await StartAsync();
        var kid = new JsonWebToken(WorkloadToken()).Kid;
        using var foreign = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var token = Workload.IssueToken(WorkloadAgentId, audience: WorkloadAudience, signWith: new ECDsaSecurityKey(foreign) { KeyId = kid });

        await AssertRefusedAsync(host, token);
    }

    [Fact]
    public async Task Workload_jwt_with_a_rewritten_sub_keeps_no_valid_signature_and_is_401()
    {
        await using var host = await StartAsync();
        var parts = WorkloadToken().Split('.');
        var payload = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(parts[1]))!;
        payload["sub"] = JsonSerializer.SerializeToElement(ServerHost.AgentId);
        var tampered = parts[0] + "." + Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload)) + "." + parts[2];

        await AssertRefusedAsync(host, tampered);
    }

    [Fact]
    public async Task Unsigned_workload_jwt_with_alg_none_is_401()
    {
        await using var host = await StartAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["iss"] = Workload.Issuer,
            ["sub"] = WorkloadAgentId,
            ["aud"] = WorkloadAudience,
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 600,
        }));

        await AssertRefusedAsync(host, header + "." + payload + ".");
    }

    [Fact]
    public async Task Workload_jwt_cannot_decide_or_list_and_an_approver_token_cannot_create_or_claim()
    {
        await using var host = await StartAsync();
        using var agent = host.CreateClient(WorkloadToken());
        using var approver = host.CreateClient(People.IssueToken("alice"));
        var id = await Api.CreatePendingAsync(agent);

        AssertProblem(await Api.DecideAsync(agent, id), HttpStatusCode.Forbidden, "forbidden-role");
        AssertProblem(await Api.GetAsync(agent, "v1/approvals?status=pending"), HttpStatusCode.Forbidden, "forbidden-role");
        AssertProblem(await Api.CreateAsync(approver, Api.Body()), HttpStatusCode.Forbidden, "forbidden-role");
        AssertProblem(await Api.ClaimAsync(approver, id), HttpStatusCode.Forbidden, "forbidden-role");

        // Still pending: none of the refused calls changed it.
        Assert.Equal("pending", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
    }

    [Fact]
    public async Task Workload_agent_and_api_key_agent_do_not_own_each_others_approvals()
    {
        await using var host = await StartAsync();
        using var workload = host.CreateClient(WorkloadToken());
        using var keyed = host.CreateClient(ServerHost.AgentKey);
        var byWorkload = await Api.CreatePendingAsync(workload);
        var byKey = await Api.CreatePendingAsync(keyed);

        AssertProblem(await Api.GetAsync(keyed, "v1/approvals/" + byWorkload), HttpStatusCode.Forbidden, "not-owner");
        AssertProblem(await Api.ClaimAsync(workload, byKey), HttpStatusCode.Forbidden, "not-owner");
    }

    [Fact]
    public async Task ApprovalClient_with_an_AccessTokenProvider_returning_the_workload_jwt_creates_and_claims()
    {
        await using var host = await StartAsync();
        var calls = 0;
        using var client = new ApprovalClient(new ApprovalClientOptions
        {
            Endpoint = host.BaseAddress,
            AccessTokenProvider = _ => { Interlocked.Increment(ref calls); return ValueTask.FromResult(WorkloadToken()); },
        });
        using var approver = host.CreateClient(People.IssueToken("alice"));
        var request = new CreateApprovalRequest
        {
            Action = new ApprovalAction { Kind = "data_export", Name = "Exporter.Export", Environment = "prod" },
            Arguments = new Dictionary<string, JsonElement> { ["segment"] = JsonSerializer.SerializeToElement("emea") },
            ActionHash = Api.NewHash(),
        };

        var created = await client.CreateApprovalAsync(request, "idem-workload");
        Assert.Equal(ApprovalStatus.Pending, created.Status);
        Assert.Equal(WorkloadAgentId, created.AgentId);
        Assert.Equal(HttpStatusCode.OK, (await Api.DecideAsync(approver, created.Id)).Status);
        var claim = await client.ClaimAsync(created.Id);

        Assert.Equal(WorkloadAgentId, Assert.Single(new JsonWebToken(claim.DecisionToken).Audiences));
        Assert.True(calls >= 2, $"provider called {calls} times");
    }

    [Fact]
    public async Task IActionGuard_with_a_workload_jwt_provider_runs_the_action_once_approved_and_verified()
    {
        await using var host = await StartAsync();
        var calls = 0;
        await using var services = GuardServices(host, WorkloadAgentId, () => Interlocked.Increment(ref calls));
        var guard = services.GetRequiredService<IActionGuard>();
        var ran = 0;

        var run = guard.ExecuteAsync(
            new GuardedAction(ActionKind.DataExport, "Exporter.Export") { Destination = "s3://exports/q3.csv" },
            _ => { Interlocked.Increment(ref ran); return Task.FromResult("exported"); });

        using var approver = host.CreateClient(People.IssueToken("alice"));
        var id = await WaitForPendingAsync(approver);
        Assert.Equal(0, ran);
        Assert.Equal(HttpStatusCode.OK, (await Api.DecideAsync(approver, id)).Status);

        Assert.Equal("exported", await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, ran);
        Assert.True(calls >= 2, $"provider called {calls} times");
        await AgentOutcomes.ReportedAsync(services);
        var final = await Api.GetAsync(approver, "v1/approvals/" + id);
        Assert.Equal(WorkloadAgentId, (string?)final.Json["agentId"]);
        Assert.Equal("succeeded", final.ApprovalStatus);
    }

    [Fact]
    public async Task IActionGuard_whose_AgentId_is_not_the_workload_jwt_sub_fails_audience_verification_and_does_not_run()
    {
        await using var host = await StartAsync();
        await using var services = GuardServices(host, "some-other-agent", static () => { });
        var guard = services.GetRequiredService<IActionGuard>();
        var ran = 0;

        var run = guard.ExecuteAsync(
            new GuardedAction(ActionKind.DataExport, "Exporter.Export"),
            _ => { Interlocked.Increment(ref ran); return Task.FromResult(1); });

        using var approver = host.CreateClient(People.IssueToken("alice"));
        await Api.DecideAsync(approver, await WaitForPendingAsync(approver));

        var failure = await Assert.ThrowsAsync<ApprovalVerificationException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(VerificationCheck.Audience, failure.Check);
        Assert.Equal(0, ran);
    }

    private Task<ServerHost> StartAsync(Action<Dictionary<string, string?>>? settings = null, TimeProvider? timeProvider = null) =>
        ServerHost.StartKestrelAsync(
            People,
            s =>
            {
                s["ActionGuard:Agents:Workload:Issuer"] = Workload.Issuer;
                s["ActionGuard:Agents:Workload:Audience"] = WorkloadAudience;
                s["ActionGuard:Agents:Workload:RequireHttpsMetadata"] = "false";
                settings?.Invoke(s);
            },
            timeProvider);

    private string WorkloadToken(DateTimeOffset? now = null, TimeSpan? lifetime = null) =>
        Workload.IssueToken(WorkloadAgentId, audience: WorkloadAudience, now: now, lifetime: lifetime);

    private ServiceProvider GuardServices(ServerHost host, string agentId, Action onTokenRequested) =>
        new ServiceCollection()
            .AddLogging()
            .AddActionGuard(o =>
            {
                o.Endpoint = host.BaseAddress;
                o.AgentId = agentId;
                o.AccessTokenProvider = _ => { onTokenRequested(); return ValueTask.FromResult(WorkloadToken()); };
                o.Environment = "prod";
                o.LongPollWait = TimeSpan.FromSeconds(5);
                o.DefaultTimeout = TimeSpan.FromSeconds(60);
            })
            .Services.BuildServiceProvider();

    // The refusal must come from the token, not from a misconfigured server: a valid workload JWT is accepted first.
    private async Task AssertRefusedAsync(ServerHost host, string token)
    {
        using var valid = host.CreateClient(WorkloadToken());
        Assert.Equal(HttpStatusCode.Created, (await Api.CreateAsync(valid, Api.Body())).Status);

        using var refused = host.CreateClient(token);
        AssertProblem(await Api.CreateAsync(refused, Api.Body()), HttpStatusCode.Unauthorized, "unauthorized");
        AssertProblem(await Api.GetAsync(refused, "v1/approvals/" + (await Api.CreatePendingAsync(valid))), HttpStatusCode.Unauthorized, "unauthorized");
    }

    private static async Task<string> WaitForPendingAsync(HttpClient approver)
    {
        for (var i = 0; i < 300; i++)
        {
            var items = (await Api.GetAsync(approver, "v1/approvals?status=pending")).Json["items"]!.AsArray();
            if (items.Count > 0)
            {
                return (string)items[0]!["id"]!;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("No pending approval appeared.");
    }

    private static void AssertProblem(Api.Reply reply, HttpStatusCode status, string type)
    {
        Assert.Equal(status, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Equal("https://actionguard.dev/problems/" + type, reply.ProblemType);
    }
}
