using System.Net;
using System.Text.Json.Nodes;
using ActionGuard.Policy;
using ActionGuard.Server.Policy;
using ActionGuard.Server.Tests.EndToEnd;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ActionGuard.Server.Tests.Policy;

// The shared policy language on the real server, and the SDK's local fast path against it.
public sealed class PolicyAsCodeTests(IdpFixture fixture) : IClassFixture<IdpFixture>, IDisposable
{
    private const string Policy = """
        {"rules": [
          { "name": "no-prod-permission-changes", "kind": "permission_change", "environment": "prod",
            "effect": "deny", "message": "Permission changes in prod are not allowed." },
          { "name": "card-exports", "kind": "data_export", "dataClasses": { "payment_card": "> 0" },
            "effect": "require_approval", "minApprovals": 2, "approverGroups": [ "data-governance" ] },
          { "name": "large-exports", "kind": "data_export", "arguments": { "rows": "> 10000" },
            "effect": "require_approval", "minApprovals": 2, "approverGroups": [ "data-governance" ] },
          { "name": "internal-exports", "kind": "data_export", "destination": "s3://internal-*", "effect": "allow" }
        ]}
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("ag-policy-").FullName;

    private TestOidcIssuer Idp => fixture.Idp;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_server_never_starts_with_a_bad_policy_file_and_names_file_line_and_column()
    {
        var path = Write("bad.json", "{\"rules\": [\n  {\"name\": \"a\", \"effect\": \"sometimes\"}\n]}");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ServerHost.StartKestrelAsync(Idp, s => s["ActionGuard:Policy:File"] = path));

        Assert.Contains(error.Failures, f => f.Contains($"{path}(2,27): unknown effect 'sometimes'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_server_applies_the_file_rules_with_policy_attribution_and_reads_thresholds()
    {
        await using var host = await StartAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);

        var cards = Api.Body(destination: "s3://internal-a");
        cards["dataClasses"] = new JsonObject { ["payment_card"] = 3 };
        var pending = await Api.CreateAsync(agent, cards);
        Assert.Equal(("pending", "card-exports", 2), (pending.ApprovalStatus, (string?)pending.Json["policy"]!["rule"], (int)pending.Json["policy"]!["minApprovals"]!));
        Assert.Equal("data-governance", (string?)pending.Json["policy"]!["approverGroups"]![0]);

        var big = Api.Body(destination: "s3://internal-a");
        big["arguments"] = new JsonObject { ["rows"] = 20000 };
        Assert.Equal("large-exports", (string?)(await Api.CreateAsync(agent, big)).Json["policy"]!["rule"]);

        var small = Api.Body(destination: "s3://internal-a");
        small["arguments"] = new JsonObject { ["rows"] = 20 };
        var allowed = await Api.CreateAsync(agent, small);
        Assert.Equal("approved", allowed.ApprovalStatus);
        Assert.Equal("policy:internal-exports", (string?)allowed.Json["decisions"]![0]!["approver"]!["subject"]);
    }

    [Fact]
    public async Task A_masked_argument_is_unknown_to_the_server_and_resolved_to_the_strictest_possible_rule()
    {
        await using var host = await StartAsync();
        using var agent = host.CreateClient(ServerHost.AgentKey);
        var body = Api.Body(destination: "s3://internal-a");
        body["arguments"] = new JsonObject { ["rows"] = "[sensitive]" };

        var reply = await Api.CreateAsync(agent, body);

        // internal-exports would allow, but large-exports might apply: a person decides.
        Assert.Equal(("pending", "large-exports"), (reply.ApprovalStatus, (string?)reply.Json["policy"]!["rule"]));
    }

    [Fact]
    public async Task The_sdk_denies_early_and_the_denial_is_still_on_the_backend_record()
    {
        await using var host = await StartAsync();
        await using var services = AgentServices(host, o => o.Policy = PolicyDocument.Parse(Policy));
        var guard = services.GetRequiredService<IActionGuard>();
        var ran = false;

        var denied = await Assert.ThrowsAsync<ActionDeniedException>(() => guard.ExecuteAsync(
            new GuardedAction(ActionKind.PermissionChange, "Iam.Grant") { Environment = "prod" },
            _ => { ran = true; return Task.FromResult(1); }).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.False(ran);
        Assert.True(denied.IsPolicyDecision);
        Assert.Equal("policy:no-prod-permission-changes", denied.DeniedBy!.Subject);
        Assert.Equal("Permission changes in prod are not allowed.", denied.Reason);
        Assert.NotNull(denied.ApprovalId);
        using var approver = host.CreateClient(Idp.IssueToken("alice"));
        var item = Assert.Single((await Api.GetAsync(approver, "v1/approvals")).Json["items"]!.AsArray());
        Assert.Equal(denied.ApprovalId, (string?)item!["id"]);
        Assert.NotEqual("pending", (string?)item["status"]);
    }

    [Fact]
    public async Task A_locally_allowed_action_is_still_created_approved_by_the_server_policy_and_audited()
    {
        var path = Write(PolicyDocument.DefaultFileName, Policy);
        await using var host = await ServerHost.StartKestrelAsync(Idp, s => s["ActionGuard:Policy:File"] = path);
        await using var services = AgentServices(host, o => o.PolicyFile = path);
        var guard = services.GetRequiredService<IActionGuard>();

        var result = await guard.ExecuteAsync(
            new GuardedAction(ActionKind.DataExport, "Exporter.Export") { Destination = "s3://internal-reports", Arguments = [new ActionArgument("rows", 500)] },
            _ => Task.FromResult("ran")).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("ran", result);
        await AgentOutcomes.ReportedAsync(services);
        using var auditor = host.CreateClient(Idp.IssueToken("carol", groups: ["actionguard-auditors"]));
        var audit = await Api.GetAsync(auditor, "v1/audit?after=0&limit=100");
        var records = audit.Json["records"]!.AsArray();
        Assert.Contains(records, r => (string?)r!["type"] == "requested" && (string?)r["data"]!["rule"] == "internal-exports");
        Assert.Contains(records, r => (string?)r!["actor"] == "policy:internal-exports");
        using var approver = host.CreateClient(Idp.IssueToken("alice"));
        var item = Assert.Single((await Api.GetAsync(approver, "v1/approvals")).Json["items"]!.AsArray());
        Assert.Equal("succeeded", (string?)item!["status"]);
    }

    [Fact]
    public async Task The_sdk_never_runs_with_a_policy_it_could_not_read()
    {
        var path = Write("broken.json", "{\"rules\": [{\"name\": \"a\", \"effect\": \"allow\", \"minApprovals\": 2}]}");
        await using var host = await StartAsync();
        await using var services = AgentServices(host, o => o.PolicyFile = path);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ActionGuardOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains($"{path}(1,45): 'minApprovals' applies only", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_reload_keeps_the_last_good_policy_and_a_good_one_is_picked_up_by_the_watcher()
    {
        var path = Write(PolicyDocument.DefaultFileName, Policy);
        await using var host = await ServerHost.StartKestrelAsync(Idp, s => s["ActionGuard:Policy:File"] = path);
        var engine = host.Services.GetRequiredService<PolicyEngine>();
        using var agent = host.CreateClient(ServerHost.AgentKey);

        await File.WriteAllTextAsync(path, "{\"rules\": [\n  {\"name\": \"x\", \"effect\": \"allow\", \"kind\": \"[\"}]}");
        Assert.False(engine.Reload());

        Assert.Contains("(2,44): 'kind': bad glob", engine.LastReloadError, StringComparison.Ordinal);
        var small = Api.Body(destination: "s3://internal-a");
        small["arguments"] = new JsonObject { ["rows"] = 20 };
        var stillOld = await Api.CreateAsync(agent, small);
        Assert.Equal("internal-exports", (string?)stillOld.Json["policy"]!["rule"]);

        await File.WriteAllTextAsync(path, """{"rules": [{"name": "lockdown", "effect": "deny", "message": "frozen"}]}""");
        for (var i = 0; i < 200 && engine.Rules[0].Name != "lockdown"; i++)
        {
            await Task.Delay(50);
        }

        Assert.Null(engine.LastReloadError);
        var denied = await Api.CreateAsync(agent, Api.Body(destination: "s3://internal-a"));
        Assert.Equal(("denied", "lockdown"), (denied.ApprovalStatus, (string?)denied.Json["policy"]!["rule"]));
        Assert.Equal(HttpStatusCode.Created, denied.Status);
    }

    private async Task<ServerHost> StartAsync()
    {
        var path = Write(PolicyDocument.DefaultFileName, Policy);
        return await ServerHost.StartKestrelAsync(Idp, s => s["ActionGuard:Policy:File"] = path);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static ServiceProvider AgentServices(ServerHost host, Action<ActionGuardOptions> configure) =>
        new ServiceCollection()
            .AddLogging()
            .AddActionGuard(o =>
            {
                o.Endpoint = host.BaseAddress;
                o.AgentId = ServerHost.AgentId;
                o.ApiKey = ServerHost.AgentKey;
                o.Environment = "prod";
                o.LongPollWait = TimeSpan.FromSeconds(5);
                o.DefaultTimeout = TimeSpan.FromSeconds(60);
                configure(o);
            })
            .Services.BuildServiceProvider();
}
