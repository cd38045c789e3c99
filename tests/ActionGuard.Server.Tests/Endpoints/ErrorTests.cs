using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.IdentityModel.Tokens;

namespace ActionGuard.Server.Tests.Endpoints;

// Every refusal is a problem+json with a stable type; validation names the field.
public sealed class ErrorTests(IdpFixture fixture) : IClassFixture<IdpFixture>, IAsyncLifetime
{
    private ServerHost _host = null!;

    private TestOidcIssuer Idp => fixture.Idp;

    public Task InitializeAsync()
    {
        _host = ServerHost.StartInMemory(Idp, s =>
        {
            s["ActionGuard:Issuers:0:GroupsClaim"] = "groups";
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task No_token_is_401_with_a_bearer_challenge()
    {
        using var anonymous = _host.CreateClient();
        var reply = await Api.CreateAsync(anonymous, Api.Body());
        AssertProblem(reply, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("Bearer", reply.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Unknown_api_key_is_401()
    {
        using var client = _host.CreateClient("not-a-known-key");
        AssertProblem(await Api.CreateAsync(client, Api.Body()), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Approver_token_that_is_expired_has_the_wrong_audience_issuer_or_signature_is_401()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent);
        using var foreignKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string[] tokens =
        [
            Idp.IssueToken("alice", now: DateTimeOffset.UtcNow.AddHours(-2), lifetime: TimeSpan.FromMinutes(5)),
            Idp.IssueToken("alice", audience: "someone-else"),
            Idp.IssueToken("alice", issuer: "https://evil.example.com"),
            Idp.IssueToken("alice", signWith: new ECDsaSecurityKey(foreignKey) { KeyId = "foreign" }),
        ];

        foreach (var token in tokens)
        {
            using var approver = _host.CreateClient(token);
            AssertProblem(await Api.DecideAsync(approver, id), HttpStatusCode.Unauthorized, "unauthorized");
        }

        var still = await Api.GetAsync(agent, "v1/approvals/" + id);
        Assert.Equal("pending", still.ApprovalStatus);
    }

    [Fact]
    public async Task An_agent_cannot_decide_and_an_approver_cannot_create_or_claim()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        using var approver = _host.CreateClient(Idp.IssueToken("alice"));
        var id = await Api.CreatePendingAsync(agent);

        AssertProblem(await Api.DecideAsync(agent, id), HttpStatusCode.Forbidden, "forbidden-role");
        AssertProblem(await Api.CreateAsync(approver, Api.Body()), HttpStatusCode.Forbidden, "forbidden-role");
        AssertProblem(await Api.ClaimAsync(approver, id), HttpStatusCode.Forbidden, "forbidden-role");
        AssertProblem(await Api.GetAsync(agent, "v1/approvals?status=pending"), HttpStatusCode.Forbidden, "forbidden-role");
    }

    [Fact]
    public async Task Another_agent_cannot_read_claim_or_cancel()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        using var other = _host.CreateClient(ServerHost.OtherAgentKey);
        var id = await Api.CreatePendingAsync(agent);

        AssertProblem(await Api.GetAsync(other, "v1/approvals/" + id), HttpStatusCode.Forbidden, "not-owner");
        AssertProblem(await Api.GetAsync(other, $"v1/approvals/{id}?wait=5"), HttpStatusCode.Forbidden, "not-owner");
        AssertProblem(await Api.CancelAsync(other, id), HttpStatusCode.Forbidden, "not-owner");
        AssertProblem(await Api.ClaimAsync(other, id), HttpStatusCode.Forbidden, "not-owner");
    }

    [Fact]
    public async Task Audit_needs_the_auditor_group()
    {
        using var approver = _host.CreateClient(Idp.IssueToken("alice", groups: ["ops"]));
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        using var auditor = _host.CreateClient(Idp.IssueToken("carol", groups: ["actionguard-auditors"]));

        AssertProblem(await Api.GetAsync(approver, "v1/audit"), HttpStatusCode.Forbidden, "forbidden-role");
        AssertProblem(await Api.GetAsync(agent, "v1/audit/verify"), HttpStatusCode.Forbidden, "forbidden-role");
        Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync(auditor, "v1/audit")).Status);
    }

    [Fact]
    public async Task Unknown_approval_is_404()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        using var approver = _host.CreateClient(Idp.IssueToken("alice"));
        AssertProblem(await Api.GetAsync(agent, "v1/approvals/apr_missing"), HttpStatusCode.NotFound, "approval-not-found");
        AssertProblem(await Api.DecideAsync(approver, "apr_missing"), HttpStatusCode.NotFound, "approval-not-found");
        AssertProblem(await Api.ClaimAsync(agent, "apr_missing"), HttpStatusCode.NotFound, "approval-not-found");
    }

    [Theory]
    [InlineData("action", null)]
    [InlineData("action.kind", null)]
    [InlineData("action.kind", "Not A Kind")]
    [InlineData("action.name", null)]
    [InlineData("actionHash", null)]
    [InlineData("actionHash", "md5:abc")]
    public async Task Missing_or_invalid_required_fields_are_400_naming_the_field(string field, string? value)
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        var body = Api.Body();
        var parts = field.Split('.');
        var parent = parts.Length == 1 ? body : body[parts[0]]!.AsObject();
        if (value is null)
        {
            parent.Remove(parts[^1]);
        }
        else
        {
            parent[parts[^1]] = value;
        }

        var reply = await Api.CreateAsync(agent, body);

        AssertProblem(reply, HttpStatusCode.BadRequest, "validation");
        Assert.True(reply.HasError(field), reply.Text);
    }

    [Fact]
    public async Task Missing_idempotency_key_is_400_naming_the_header()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        var reply = await Api.CreateAsync(agent, Api.Body(), idempotencyKey: string.Empty);
        AssertProblem(reply, HttpStatusCode.BadRequest, "validation");
        Assert.True(reply.HasError("Idempotency-Key"));
    }

    [Fact]
    public async Task Body_that_is_not_json_is_400_and_unknown_fields_are_ignored()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/approvals") { Content = new StringContent("{nope", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", "k");
        AssertProblem(await Api.SendAsync(agent, request), HttpStatusCode.BadRequest, "validation");

        var body = Api.Body();
        body["somethingNew"] = new JsonObject { ["x"] = 1 };
        Assert.Equal(HttpStatusCode.Created, (await Api.CreateAsync(agent, body)).Status);
    }

    [Fact]
    public async Task Data_samples_that_are_not_strings_are_400_naming_the_sample()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        var body = Api.Body();
        body["dataSamples"] = new JsonObject { ["email"] = new JsonArray("j***@example.com", 42) };

        var reply = await Api.CreateAsync(agent, body);

        AssertProblem(reply, HttpStatusCode.BadRequest, "validation");
        Assert.True(reply.HasError("dataSamples.email[1]"), reply.Text);
    }

    [Fact]
    public async Task Extra_or_long_data_samples_are_cut_not_refused()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        var body = Api.Body();
        body["dataSamples"] = new JsonObject { ["email"] = new JsonArray([.. Enumerable.Range(0, 8).Select(i => (JsonNode)JsonValue.Create(i == 0 ? new string('x', 300) : $"u{i}***@example.com"))]) };

        var reply = await Api.CreateAsync(agent, body);

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        var samples = reply.Json["dataSamples"]!["email"]!.AsArray();
        Assert.Equal(5, samples.Count);
        Assert.Equal(128, ((string)samples[0]!).Length);
        Assert.EndsWith("…", (string)samples[0]!, StringComparison.Ordinal);
        Assert.Equal("u4***@example.com", (string?)samples[4]);
    }

    [Fact]
    public async Task Body_over_64_KiB_is_413()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        var body = Api.Body();
        body["justification"] = new string('x', 70 * 1024);
        var reply = await Api.CreateAsync(agent, body);
        AssertProblem(reply, HttpStatusCode.RequestEntityTooLarge, "body-too-large");
    }

    [Fact]
    public async Task Too_many_arguments_too_deep_or_too_long_strings_are_400()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);

        var many = Api.Body();
        var arguments = new JsonObject();
        for (var i = 0; i < 65; i++)
        {
            arguments["a" + i] = i;
        }

        many["arguments"] = arguments;
        var reply = await Api.CreateAsync(agent, many);
        AssertProblem(reply, HttpStatusCode.BadRequest, "validation");
        Assert.True(reply.HasError("arguments"));

        var deep = Api.Body();
        JsonNode nested = 1;
        for (var i = 0; i < 10; i++)
        {
            nested = new JsonArray(nested);
        }

        deep["arguments"] = new JsonObject { ["deep"] = nested };
        reply = await Api.CreateAsync(agent, deep);
        Assert.True(reply.HasError("arguments.deep"), reply.Text);

        var longString = Api.Body();
        longString["arguments"] = new JsonObject { ["text"] = new string('y', 5000) };
        reply = await Api.CreateAsync(agent, longString);
        Assert.True(reply.HasError("arguments.text"), reply.Text);
    }

    [Fact]
    public async Task Deny_without_reason_and_unknown_verdict_are_400()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        using var approver = _host.CreateClient(Idp.IssueToken("alice"));
        var id = await Api.CreatePendingAsync(agent);

        var noReason = await Api.DecideAsync(approver, id, "deny");
        AssertProblem(noReason, HttpStatusCode.BadRequest, "validation");
        Assert.True(noReason.HasError("reason"));
        var odd = await Api.DecideAsync(approver, id, "maybe");
        Assert.True(odd.HasError("verdict"));
        var badOutcome = await Api.OutcomeAsync(agent, id, "done");
        Assert.True(badOutcome.HasError("status"));
    }

    [Fact]
    public async Task A_report_of_outcomes_that_is_malformed_is_a_400_naming_the_item_and_field_and_records_nothing()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        using var approver = _host.CreateClient(Idp.IssueToken("alice"));
        var id = await Api.CreatePendingAsync(agent);
        await Api.DecideAsync(approver, id);
        await Api.ClaimAsync(agent, id);
        var tooMany = string.Join(",", Enumerable.Repeat($$"""{"approvalId":"{{id}}","status":"succeeded"}""", 101));

        var badItem = await Api.PostAsync(agent, "v1/outcomes", $$"""{"outcomes":[{"approvalId":"{{id}}","status":"succeeded"},{"approvalId":"{{id}}","status":"done"},{"status":"failed"}]}""");
        var empty = await Api.PostAsync(agent, "v1/outcomes", """{"outcomes":[]}""");
        var overLimit = await Api.PostAsync(agent, "v1/outcomes", $$"""{"outcomes":[{{tooMany}}]}""");
        var notAList = await Api.PostAsync(agent, "v1/outcomes", """{"outcomes":{"approvalId":"x"}}""");

        AssertProblem(badItem, HttpStatusCode.BadRequest, "validation");
        Assert.True(badItem.HasError("outcomes[1].status"), badItem.Text);
        Assert.True(badItem.HasError("outcomes[2].approvalId"), badItem.Text);
        Assert.False(badItem.HasError("outcomes[0].status"), badItem.Text);
        Assert.True(empty.HasError("outcomes"), empty.Text);
        Assert.True(overLimit.HasError("outcomes"), overLimit.Text);
        Assert.True(notAList.HasError("outcomes"), notAList.Text);

        // The valid first item was not recorded either: a malformed report is refused whole.
        Assert.Equal("executing", (await Api.GetAsync(agent, "v1/approvals/" + id)).ApprovalStatus);
    }

    [Fact]
    public async Task Wait_over_60_seconds_and_bad_list_parameters_are_400()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        using var approver = _host.CreateClient(Idp.IssueToken("alice"));
        var id = await Api.CreatePendingAsync(agent);

        Assert.True((await Api.GetAsync(agent, $"v1/approvals/{id}?wait=61")).HasError("wait"));
        Assert.True((await Api.GetAsync(approver, "v1/approvals?status=bogus")).HasError("status"));
        Assert.True((await Api.GetAsync(approver, "v1/approvals?limit=0")).HasError("limit"));
    }

    [Fact]
    public async Task Decision_on_a_decided_request_and_a_second_decision_by_the_same_person_are_409()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        using var alice = _host.CreateClient(Idp.IssueToken("alice"));
        using var bob = _host.CreateClient(Idp.IssueToken("bob"));
        var twoPerson = await Api.CreatePendingAsync(agent, Api.Body(kind: "permission_change"));

        await Api.DecideAsync(alice, twoPerson);
        AssertProblem(await Api.DecideAsync(alice, twoPerson), HttpStatusCode.Conflict, "duplicate-decision");

        var single = await Api.CreatePendingAsync(agent);
        await Api.DecideAsync(alice, single);
        AssertProblem(await Api.DecideAsync(bob, single), HttpStatusCode.Conflict, "not-pending");
    }

    [Fact]
    public async Task Claim_before_approval_and_outcome_before_claim_are_409()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        var id = await Api.CreatePendingAsync(agent);
        AssertProblem(await Api.ClaimAsync(agent, id), HttpStatusCode.Conflict, "not-approved");
        AssertProblem(await Api.OutcomeAsync(agent, id, "succeeded"), HttpStatusCode.Conflict, "not-executing");
    }

    [Fact]
    public async Task Approver_outside_the_rule_groups_is_403()
    {
        using var agent = _host.CreateClient(ServerHost.AgentKey);
        using var outsider = _host.CreateClient(Idp.IssueToken("alice", groups: ["finance"]));
        using var ops = _host.CreateClient(Idp.IssueToken("olga", groups: ["ops"]));
        var id = await Api.CreatePendingAsync(agent, Api.Body(kind: "infrastructure_mutation"));

        AssertProblem(await Api.DecideAsync(outsider, id), HttpStatusCode.Forbidden, "not-in-approver-group");
        Assert.Equal("approved", (await Api.DecideAsync(ops, id)).ApprovalStatus);
    }

    [Fact]
    public async Task Agent_over_its_rate_is_429_with_retry_after()
    {
        await using var limited = ServerHost.StartInMemory(Idp, s =>
        {
            s["ActionGuard:Limits:AgentRequestsPerSecond"] = "0.01";
            s["ActionGuard:Limits:AgentBurst"] = "3";
        });
        using var agent = limited.CreateClient(ServerHost.AgentKey);
        using var other = limited.CreateClient(ServerHost.OtherAgentKey);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await Api.CreateAsync(agent, Api.Body())).Status);
        }

        var refused = await Api.CreateAsync(agent, Api.Body());
        AssertProblem(refused, HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.Created, (await Api.CreateAsync(other, Api.Body())).Status);
    }

    private static void AssertProblem(Api.Reply reply, HttpStatusCode status, string type)
    {
        Assert.True(status == reply.Status, $"Expected {status}, got {reply.Status}: {reply.Text}");
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Equal("https://actionguard.dev/problems/" + type, reply.ProblemType);
        Assert.Equal((int)status, (int)reply.Json["status"]!);
    }
}
