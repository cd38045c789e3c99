using System.Text.Json;
using ActionGuard.AI.Tests.TestSupport;
using ActionGuard.Client;
using ActionGuard.Testing;
using Microsoft.Extensions.AI;

namespace ActionGuard.AI.Tests.Functions;

public sealed class GuardedAIFunctionTests
{
    private static AIFunctionArguments ExportArguments(AgentHarness harness, List<string>? columns = null) =>
        new(new Dictionary<string, object?>
        {
            ["segment"] = "emea",
            ["bucket"] = "exports",
            ["key"] = "customers.csv",
            ["columns"] = columns ?? ["email", "name"],
            ["apiKey"] = "sk-live-1234567890",
        })
        { Services = harness.Services };

    [Fact]
    public async Task Function_with_RequiresApproval_is_guarded_from_the_attribute_and_runs_once_after_approval()
    {
        using var harness = new AgentHarness();
        harness.Backend.RespondWith(ApprovalScript.Approve("alice@example.com"));
        var export = AIFunctionFactory.Create(harness.Tools.ExportCustomers, "export_customers").WithActionGuard();

        var result = await export.InvokeAsync(ExportArguments(harness));

        Assert.Equal("exported emea (2 columns)", ((JsonElement)result!).GetString());
        Assert.Equal(["export emea -> s3://exports/customers.csv with sk-live-1234567890"], harness.Tools.Runs);
        var request = Assert.Single(harness.Backend.Requests).Request;
        Assert.Equal(ActionKind.DataExport, request.Action.Kind);
        Assert.Equal("ExportTools.ExportCustomers", request.Action.Name);
        Assert.Equal("crm://customers/emea", request.Action.Resource);
        Assert.Equal("s3://exports/customers.csv", request.Action.Destination);
        Assert.Single(harness.Backend.Claims);
        await harness.ShutDownAsync();
        Assert.Equal(OutcomeStatus.Succeeded, Assert.Single(harness.Backend.Outcomes).Value.Status);
    }

    [Fact]
    public async Task Sensitive_parameter_never_reaches_the_backend()
    {
        using var harness = new AgentHarness();
        harness.Backend.RespondWith(ApprovalScript.Approve("alice@example.com"));
        var export = AIFunctionFactory.Create(harness.Tools.ExportCustomers, "export_customers").WithActionGuard();

        await export.InvokeAsync(ExportArguments(harness));

        var request = Assert.Single(harness.Backend.Requests).Request;
        Assert.Equal("[sensitive]", request.Arguments["apiKey"].GetString());
        Assert.Equal("emea", request.Arguments["segment"].GetString());
        Assert.DoesNotContain("sk-live-1234567890", JsonSerializer.Serialize(request.Arguments), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Denied_call_never_runs_and_the_model_reads_who_denied_it_and_why()
    {
        using var harness = new AgentHarness();
        harness.Backend.RespondWith(ApprovalScript.Deny(
            new ApprovalParty { Issuer = "https://idp.example.com/", Subject = "alice", Name = "Alice Steward", Email = "alice@example.com" },
            "no exports to partner buckets"));
        var export = AIFunctionFactory.Create(harness.Tools.ExportCustomers, "export_customers").WithActionGuard();

        var result = await export.InvokeAsync(ExportArguments(harness));

        var text = Assert.IsType<string>(result);
        Assert.Contains("denied by Alice Steward (alice@example.com): no exports to partner buckets", text, StringComparison.Ordinal);
        Assert.Contains("did not run", text, StringComparison.Ordinal);
        Assert.Empty(harness.Tools.Runs);
        Assert.Empty(harness.Backend.Claims);
    }

    [Fact]
    public async Task Denial_can_be_thrown_instead_of_returned()
    {
        using var harness = new AgentHarness();
        harness.Backend.RespondWith(ApprovalScript.Deny("alice@example.com", "not today"));
        var export = AIFunctionFactory.Create(harness.Tools.ExportCustomers, "export_customers")
            .WithActionGuard(o => o.ReturnDenialToModel = false);

        var ex = await Assert.ThrowsAsync<ActionDeniedException>(() => export.InvokeAsync(ExportArguments(harness)).AsTask());

        Assert.Equal("not today", ex.Reason);
        Assert.Empty(harness.Tools.Runs);
    }

    [Fact]
    public async Task Timeout_never_runs_and_withdraws_the_request()
    {
        using var harness = new AgentHarness();
        harness.Backend.RespondWith(ApprovalScript.NeverAnswer());
        var export = AIFunctionFactory.Create(harness.Tools.ExportCustomers, "export_customers")
            .WithActionGuard(o => o.Timeout = TimeSpan.FromMilliseconds(300));

        var result = await export.InvokeAsync(ExportArguments(harness));

        Assert.Contains("in time", Assert.IsType<string>(result), StringComparison.Ordinal);
        Assert.Empty(harness.Tools.Runs);
        Assert.Equal(ApprovalStatus.Cancelled, Assert.Single(harness.Backend.Approvals).Status);
    }

    [Fact]
    public async Task Backend_down_fails_closed_with_a_typed_exception()
    {
        using var harness = new AgentHarness();
        harness.Backend.RespondWith(ApprovalScript.Fail());
        var export = AIFunctionFactory.Create(harness.Tools.ExportCustomers, "export_customers").WithActionGuard();

        await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => export.InvokeAsync(ExportArguments(harness)).AsTask());

        Assert.Empty(harness.Tools.Runs);
    }

    [Fact]
    public async Task Token_bound_to_other_arguments_fails_closed()
    {
        using var harness = new AgentHarness();
        harness.Backend.RespondWith(ApprovalScript.Approve("alice@example.com"));
        harness.Backend.OnIssuingToken(c => c.ActionHash = "sha256:" + new string('0', 64));
        var export = AIFunctionFactory.Create(harness.Tools.ExportCustomers, "export_customers").WithActionGuard();

        var ex = await Assert.ThrowsAsync<ApprovalVerificationException>(() => export.InvokeAsync(ExportArguments(harness)).AsTask());

        Assert.Equal(VerificationCheck.ActionHash, ex.Check);
        Assert.Empty(harness.Tools.Runs);
    }

    [Fact]
    public async Task Arguments_changed_while_waiting_do_not_change_what_runs()
    {
        using var harness = new AgentHarness();
        var export = AIFunctionFactory.Create(harness.Tools.ExportCustomers, "export_customers").WithActionGuard();
        var columns = new List<string> { "email" };
        var arguments = ExportArguments(harness, columns);

        var call = export.InvokeAsync(arguments).AsTask();
        var pending = await harness.Backend.WaitForRequestAsync();

        // The caller still holds the list and the dictionary: a change now must not reach the approved call.
        columns.Add("card_number");
        arguments["bucket"] = "public-bucket";
        await harness.Backend.ApproveAsync(pending.Id, "alice@example.com");
        await call;

        Assert.Equal(["email"], Assert.Single(harness.Tools.ExportedColumns));
        Assert.Equal(["export emea -> s3://exports/customers.csv with sk-live-1234567890"], harness.Tools.Runs);
        Assert.Equal("s3://exports/customers.csv", pending.Action.Destination);
    }

    [Fact]
    public async Task Same_call_with_other_arguments_gets_another_hash()
    {
        using var harness = new AgentHarness();
        harness.Backend.RespondWith(ApprovalScript.Approve("alice@example.com"));
        var export = AIFunctionFactory.Create(harness.Tools.ExportCustomers, "export_customers").WithActionGuard();

        await export.InvokeAsync(ExportArguments(harness, ["email"]));
        await export.InvokeAsync(ExportArguments(harness, ["email", "phone"]));

        Assert.Equal(2, harness.Backend.Requests.Select(static r => r.Request.Action.Destination).Count());
        Assert.NotEqual(harness.Backend.Requests[0].Request.ActionHash, harness.Backend.Requests[1].Request.ActionHash);
        Assert.Equal(2, harness.Tools.Runs.Count);
    }

    [Fact]
    public async Task Payload_argument_is_classified_for_the_reviewer_but_not_sent()
    {
        using var harness = new AgentHarness();
        harness.Backend.RespondWith(ApprovalScript.Approve("alice@example.com"));
        var send = AIFunctionFactory.Create(harness.Tools.SendReport, "send_report").WithActionGuard();
        var body = "Contacts: ann@example.org, bob@example.org";

        await send.InvokeAsync(new AIFunctionArguments(new Dictionary<string, object?> { ["to"] = "partner@example.net", ["body"] = body }) { Services = harness.Services });

        var request = Assert.Single(harness.Backend.Requests).Request;
        Assert.Equal("report.send", request.Action.Kind);
        Assert.Equal("mailto:partner@example.net", request.Action.Destination);
        Assert.Equal(2, request.DataClasses["email"]);
        Assert.DoesNotContain("ann@example.org", JsonSerializer.Serialize(request), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Function_without_the_attribute_is_guarded_by_explicit_kind_and_templates()
    {
        using var harness = new AgentHarness();
        harness.Backend.RespondWith(ApprovalScript.Approve("alice@example.com"));
        var calls = 0;
        var delete = AIFunctionFactory.Create((string cluster, string name) => { calls++; return "deleted"; }, "delete_deployment")
            .WithActionGuard(ActionKind.InfrastructureMutation, o =>
            {
                o.Resource = "k8s://{cluster}/deployments/{name}";
                o.Environment = "prod";
            });

        await delete.InvokeAsync(new AIFunctionArguments(new Dictionary<string, object?> { ["cluster"] = "eu1", ["name"] = "api" }) { Services = harness.Services });

        var request = Assert.Single(harness.Backend.Requests).Request;
        Assert.Equal(ActionKind.InfrastructureMutation, request.Action.Kind);
        Assert.Equal("delete_deployment", request.Action.Name);
        Assert.Equal("k8s://eu1/deployments/api", request.Action.Resource);
        Assert.Equal("prod", request.Action.Environment);
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Template_naming_an_unknown_argument_fails_when_wrapped_and_says_which()
    {
        var tool = AIFunctionFactory.Create((string cluster) => "ok", "scale");

        var ex = Assert.Throws<ArgumentException>(() => tool.WithActionGuard(ActionKind.InfrastructureMutation, o => o.Resource = "k8s://{clustr}"));

        Assert.Contains("'scale'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'clustr'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cluster", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Template_naming_a_sensitive_argument_is_refused()
    {
        var tool = AIFunctionFactory.Create((string user, string password) => "ok", "login");

        var ex = Assert.Throws<ArgumentException>(() => tool.WithActionGuard(ActionKind.PermissionChange, o =>
        {
            o.Resource = "users/{user}/{password}";
            o.SensitiveArguments.Add("password");
        }));

        Assert.Contains("clear text", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Function_without_the_attribute_cannot_be_guarded_from_it()
    {
        var harness = new ExportTools();
        var list = AIFunctionFactory.Create(harness.ListBuckets);

        var ex = Assert.Throws<InvalidOperationException>(() => list.WithActionGuard());

        Assert.Contains("[RequiresApproval]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Guarding_twice_is_refused()
    {
        var tools = new ExportTools();
        var export = AIFunctionFactory.Create(tools.ExportCustomers).WithActionGuard();

        Assert.Throws<InvalidOperationException>(() => export.WithActionGuard());
    }

    [Fact]
    public async Task Without_an_action_guard_the_call_fails_closed()
    {
        var tools = new ExportTools();
        var export = AIFunctionFactory.Create(tools.ExportCustomers, "export_customers").WithActionGuard();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => export.InvokeAsync(new AIFunctionArguments
        {
            ["segment"] = "emea", ["bucket"] = "b", ["key"] = "k", ["columns"] = new List<string>(), ["apiKey"] = "x",
        }).AsTask());

        Assert.Contains("AddActionGuard", ex.Message, StringComparison.Ordinal);
        Assert.Empty(tools.Runs);
    }

    [Fact]
    public void Guarded_function_keeps_the_tool_schema_and_hides_in_conversation_approval()
    {
        var tools = new ExportTools();
        var inner = new ApprovalRequiredAIFunction(AIFunctionFactory.Create(tools.GrantRole, "grant_role"));

        var guarded = inner.WithActionGuard(ActionKind.PermissionChange);

        Assert.Equal("grant_role", guarded.Name);
        Assert.Equal(inner.JsonSchema.GetRawText(), guarded.JsonSchema.GetRawText());
        Assert.Null(guarded.GetService<ApprovalRequiredAIFunction>());
        Assert.Same(guarded, guarded.GetService<GuardedAIFunction>());
    }
}
