using System.Net;
using ActionGuard.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Server.Tests.EndToEnd;

// A proxy between the SDK and the server rewrites the create request while keeping its action hash. What policy matched
// and what the reviewer saw are then not what the agent runs; the decision token's ag_request gives it away and the
// action never runs.
public sealed class RewrittenRequestTests(IdpFixture fixture) : IClassFixture<IdpFixture>
{
    private TestOidcIssuer Idp => fixture.Idp;

    [Fact]
    public async Task A_proxy_passing_requests_through_unchanged_lets_an_approved_call_run()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        await using var proxy = await RewritingProxy.StartAsync(host.BaseAddress, _ => { });
        await using var services = AgentServices(host, proxy);
        var ran = 0;

        var run = services.GetRequiredService<IActionGuard>().ExecuteAsync(Export("s3://internal/q3.csv"), _ => { ran++; return Task.FromResult(1); });
        using var approver = host.CreateClient(Idp.IssueToken("alice", "Alice"));
        await Api.DecideAsync(approver, await SdkEndToEndTests.WaitForPendingAsync(approver));
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, proxy.Rewritten);
        Assert.Equal(1, ran);
    }

    [Fact]
    public async Task Environment_rewritten_from_prod_to_dev_gets_an_auto_allow_that_the_agent_refuses()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        await using var proxy = await RewritingProxy.StartAsync(host.BaseAddress, create => create["action"]!["environment"] = "dev");
        await using var services = AgentServices(host, proxy);
        var ran = 0;

        var refused = await Assert.ThrowsAsync<ApprovalVerificationException>(() =>
            services.GetRequiredService<IActionGuard>().ExecuteAsync(Export("s3://internal/q3.csv"), _ => { ran++; return Task.FromResult(1); })
                .WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(VerificationCheck.Request, refused.Check);
        Assert.Equal(0, ran);
        await AgentOutcomes.ReportedAsync(services);
        using var approver = host.CreateClient(Idp.IssueToken("alice", "Alice"));
        var approval = await Api.GetAsync(approver, "v1/approvals/" + refused.ApprovalId);
        Assert.Equal("dev", (string?)approval.Json["action"]!["environment"]);
        Assert.Equal("dev-exports", (string?)approval.Json["policy"]!["rule"]);
        Assert.Equal("failed", approval.ApprovalStatus);
    }

    [Fact]
    public async Task Destination_rewritten_makes_a_reviewer_approve_another_bucket_and_the_agent_refuses_the_token()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        await using var proxy = await RewritingProxy.StartAsync(host.BaseAddress, create => create["action"]!["destination"] = "s3://internal/q3.csv");
        await using var services = AgentServices(host, proxy);
        var ran = 0;

        var run = services.GetRequiredService<IActionGuard>().ExecuteAsync(Export("s3://public/q3.csv"), _ => { ran++; return Task.FromResult(1); });
        using var approver = host.CreateClient(Idp.IssueToken("alice", "Alice"));
        var id = await SdkEndToEndTests.WaitForPendingAsync(approver);
        var shown = await Api.GetAsync(approver, "v1/approvals/" + id);
        Assert.Equal("s3://internal/q3.csv", (string?)shown.Json["action"]!["destination"]);
        Assert.Equal(HttpStatusCode.OK, (await Api.DecideAsync(approver, id)).Status);

        var refused = await Assert.ThrowsAsync<ApprovalVerificationException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(VerificationCheck.Request, refused.Check);
        Assert.Equal(0, ran);
    }

    [Fact]
    public async Task Arguments_or_data_classes_rewritten_are_refused_too()
    {
        await using var host = await ServerHost.StartKestrelAsync(Idp);
        await using var proxy = await RewritingProxy.StartAsync(host.BaseAddress, create =>
        {
            create["arguments"]!["segment"] = "apac";
            create["dataClasses"] = new System.Text.Json.Nodes.JsonObject();
        });
        await using var services = AgentServices(host, proxy);
        var ran = 0;

        var run = services.GetRequiredService<IActionGuard>().ExecuteAsync(Export("s3://internal/q3.csv"), _ => { ran++; return Task.FromResult(1); });
        using var approver = host.CreateClient(Idp.IssueToken("alice", "Alice"));
        await Api.DecideAsync(approver, await SdkEndToEndTests.WaitForPendingAsync(approver));

        var refused = await Assert.ThrowsAsync<ApprovalVerificationException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(VerificationCheck.Request, refused.Check);
        Assert.Equal(0, ran);
    }

    private static GuardedAction Export(string destination) => new(ActionKind.DataExport, "Exporter.Export")
    {
        Resource = "crm://customers",
        Destination = destination,
        Initiator = new ApprovalParty { Subject = "dana" },
        Arguments = [new ActionArgument("segment", "emea"), new ActionArgument("contact", "ada@example.com")],
    };

    private static ServiceProvider AgentServices(ServerHost host, RewritingProxy proxy) =>
        new ServiceCollection()
            .AddLogging()
            .AddActionGuard(o =>
            {
                o.Endpoint = proxy.BaseAddress;
                o.ExpectedIssuer = host.BaseAddress.AbsoluteUri.TrimEnd('/');
                o.AgentId = ServerHost.AgentId;
                o.ApiKey = ServerHost.AgentKey;
                o.Environment = "prod";
                o.LongPollWait = TimeSpan.FromSeconds(5);
                o.DefaultTimeout = TimeSpan.FromSeconds(60);
            })
            .Services.BuildServiceProvider();
}
