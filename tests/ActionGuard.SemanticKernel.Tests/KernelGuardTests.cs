using System.ComponentModel;
using ActionGuard.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace ActionGuard.SemanticKernel.Tests;

public sealed class KernelGuardTests : IDisposable
{
    private readonly InMemoryApprovalBackend _backend = new();
    private readonly IamPlugin _iam = new();

    public void Dispose() => _backend.Dispose();

    private Kernel CreateKernel(bool filter, bool wrapPlugin, Action<ActionGuardKernelOptions>? configure = null)
    {
        var builder = Kernel.CreateBuilder();
        builder.Services.AddActionGuard(o => o.AgentId = "sk-agent").UseInMemoryBackend(_backend);
        var plugin = KernelPluginFactory.CreateFromObject(_iam, "iam");
        builder.Plugins.Add(wrapPlugin ? plugin.WithActionGuard() : plugin);
        if (filter)
        {
            builder.AddActionGuard(configure);
        }

        return builder.Build();
    }

    private static KernelArguments Grant => new() { ["user"] = "partner", ["role"] = "reader" };

    [Fact]
    public async Task Filter_runs_an_attributed_function_only_after_approval()
    {
        _backend.RespondWith(ApprovalScript.Approve("alice@example.com"));
        var kernel = CreateKernel(filter: true, wrapPlugin: false);

        var result = await kernel.InvokeAsync("iam", "grant_role", Grant);

        Assert.Equal("granted reader to partner", result.GetValue<string>());
        Assert.Equal(["grant reader to partner"], _iam.Runs);
        var request = Assert.Single(_backend.Requests).Request;
        Assert.Equal(ActionKind.PermissionChange, request.Action.Kind);
        Assert.Equal("iam://roles/reader", request.Action.Resource);
    }

    [Fact]
    public async Task Filter_denial_is_the_function_result_and_nothing_runs()
    {
        _backend.RespondWith(ApprovalScript.Deny("alice@example.com", "partners get no roles"));
        var kernel = CreateKernel(filter: true, wrapPlugin: false);

        var result = await kernel.InvokeAsync("iam", "grant_role", Grant);

        Assert.Contains("partners get no roles", result.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(_iam.Runs);
    }

    [Fact]
    public async Task Filter_backend_fault_fails_closed()
    {
        _backend.RespondWith(ApprovalScript.Fail());
        var kernel = CreateKernel(filter: true, wrapPlugin: false);

        await Assert.ThrowsAsync<ApprovalBackendUnavailableException>(() => kernel.InvokeAsync("iam", "grant_role", Grant));

        Assert.Empty(_iam.Runs);
    }

    [Fact]
    public async Task Unattributed_function_runs_without_a_request()
    {
        var kernel = CreateKernel(filter: true, wrapPlugin: true);

        await kernel.InvokeAsync("iam", "list_roles", new KernelArguments());

        Assert.Equal(["list"], _iam.Runs);
        Assert.Empty(_backend.Requests);
    }

    [Fact]
    public async Task Kernel_function_called_as_an_AIFunction_skips_the_filter_so_the_filter_alone_does_not_guard_it()
    {
        // The hole the plugin wrapper closes: SK's filters do not see a function invoked as an AIFunction.
        _backend.RespondWith(ApprovalScript.Deny("alice@example.com", "no"));
        var kernel = CreateKernel(filter: true, wrapPlugin: false);
        var tool = kernel.Plugins["iam"].AsAIFunctions(kernel).Single(f => f.Name.EndsWith("grant_role", StringComparison.Ordinal));

        await tool.InvokeAsync(new AIFunctionArguments { ["user"] = "partner", ["role"] = "reader" });

        Assert.Equal(["grant reader to partner"], _iam.Runs);
        Assert.Empty(_backend.Requests);
    }

    [Fact]
    public async Task Guarded_plugin_function_called_as_an_AIFunction_still_waits_for_the_backend()
    {
        _backend.RespondWith(ApprovalScript.Deny("alice@example.com", "partners get no roles"));
        var kernel = CreateKernel(filter: false, wrapPlugin: true);
        var tool = kernel.Plugins["iam"].AsAIFunctions(kernel).Single(f => f.Name.EndsWith("grant_role", StringComparison.Ordinal));

        var result = await tool.InvokeAsync(new AIFunctionArguments { ["user"] = "partner", ["role"] = "reader" });

        Assert.Contains("partners get no roles", result?.ToString(), StringComparison.Ordinal);
        Assert.Empty(_iam.Runs);
        Assert.Equal("iam://roles/reader", Assert.Single(_backend.Requests).Request.Action.Resource);
    }

    [Fact]
    public async Task Guarded_plugin_function_runs_once_after_approval_and_keeps_its_metadata()
    {
        _backend.RespondWith(ApprovalScript.Approve("alice@example.com"));
        var kernel = CreateKernel(filter: true, wrapPlugin: true);
        var function = kernel.Plugins["iam"]["grant_role"];

        var result = await kernel.InvokeAsync(function, Grant);

        Assert.Equal(["user", "role"], function.Metadata.Parameters.Select(static p => p.Name));
        Assert.Equal("Grants a role to a user.", function.Description);
        Assert.Equal("granted reader to partner", result.GetValue<object>()?.ToString());
        Assert.Equal(["grant reader to partner"], _iam.Runs);
        Assert.Single(_backend.Requests); // the filter does not ask a second time for a plugin that is guarded already
    }

    [Fact]
    public async Task Function_named_in_the_options_is_guarded_without_an_attribute()
    {
        _backend.RespondWith(ApprovalScript.Deny("alice@example.com", "roles are private"));
        var kernel = CreateKernel(filter: true, wrapPlugin: false, o => o.Tools.Guard("list_roles", "iam.read"));

        var result = await kernel.InvokeAsync("iam", "list_roles", new KernelArguments());

        Assert.Contains("roles are private", result.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(_iam.Runs);
        Assert.Equal("iam.read", Assert.Single(_backend.Requests).Request.Action.Kind);
    }

    public sealed class IamPlugin
    {
        public List<string> Runs { get; } = [];

        [KernelFunction("grant_role"), Description("Grants a role to a user.")]
        [RequiresApproval(ActionKind.PermissionChange, Resource = "iam://roles/{role}")]
        public string GrantRole(string user, string role)
        {
            Runs.Add($"grant {role} to {user}");
            return $"granted {role} to {user}";
        }

        [KernelFunction("list_roles"), Description("Lists roles.")]
        public string ListRoles()
        {
            Runs.Add("list");
            return "reader, writer";
        }
    }
}
