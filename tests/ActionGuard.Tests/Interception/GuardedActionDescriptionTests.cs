using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Tests.Interception;

public sealed class GuardedActionDescriptionTests
{
    [Fact]
    public async Task Attribute_on_the_implementation_describes_the_action_in_full()
    {
        using var container = new TestContainer(static s => s.AddGuardedTransient<ICustomerExporter, CustomerExporter>());
        using var cts = new CancellationTokenSource();

        var rows = await container.Get<ICustomerExporter>().ExportAsync("exports", "2024/customers.csv", "ak-123", "hunter2", cts.Token);

        Assert.Equal(1204, rows);
        var action = container.Guard.SingleAction;
        Assert.Equal(ActionKind.DataExport, action.Kind);
        Assert.Equal("CustomerExporter.ExportAsync", action.Name);
        Assert.Equal("s3://exports/2024/customers.csv", action.Resource);
        Assert.Equal("{partner}/exports", action.Destination);
        Assert.Equal("prod", action.Environment);
        Assert.Equal("weekly report", action.Justification);
        Assert.Equal(TimeSpan.FromSeconds(30), action.Timeout);
        Assert.Null(action.Initiator);
        Assert.Equal(
            [
                new ActionArgument("bucket", "exports", false),
                new ActionArgument("key", "2024/customers.csv", false),
                new ActionArgument("apiKey", "ak-123", true),
                new ActionArgument("password", "hunter2", true),
            ],
            action.Arguments);
        Assert.Equal(cts.Token, container.Guard.Tokens.Single());
    }

    [Fact]
    public void Attribute_on_the_interface_names_the_action_after_the_interface_and_leaves_defaults_unset()
    {
        using var container = new TestContainer(static s => s.AddGuardedScoped<IShapes, Shapes>());

        container.Get<IShapes>().Restart("web-1");

        var action = container.Guard.SingleAction;
        Assert.Equal("IShapes.Restart", action.Name);
        Assert.Null(action.Resource);
        Assert.Null(action.Destination);
        Assert.Null(action.Environment);
        Assert.Null(action.Justification);
        Assert.Null(action.Timeout);
        Assert.Equal([new ActionArgument("host", "web-1", false)], action.Arguments);
    }

    [Fact]
    public async Task Custom_kind_and_name_are_used_and_templates_format_with_the_invariant_culture()
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            using var container = new TestContainer(static s => s.AddGuardedSingleton<IRefunds, Refunds>());

            await container.Get<IRefunds>().RefundAsync("DE-991", 1234.5m, 0.25);

            var action = container.Guard.SingleAction;
            Assert.Equal("payments.refund", action.Kind);
            Assert.Equal("refund-customer", action.Name);
            Assert.Equal("amount=1234.5;ratio=0.25", action.Resource);
            Assert.Equal("acct:DE-991", action.Destination);
            Assert.Equal(["RefundAsync"], container.Log.Calls);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public async Task Null_argument_fills_its_placeholder_with_nothing()
    {
        using var container = new TestContainer(static s => s.AddGuardedSingleton<IRefunds, Refunds>());

        await container.Get<IRefunds>().RefundAsync(null, 1m, 1d);

        var action = container.Guard.SingleAction;
        Assert.Equal("acct:", action.Destination);
        Assert.Null(action.Arguments[0].Value);
    }

    [Fact]
    public void Interface_attribute_wins_over_the_implementation_attribute()
    {
        using var container = new TestContainer(static s => s.AddGuardedScoped<IBothAttributed, BothAttributed>());

        container.Get<IBothAttributed>().Grant("bob");

        var action = container.Guard.SingleAction;
        Assert.Equal("from-interface", action.Name);
        Assert.Equal(ActionKind.PermissionChange, action.Kind);
        Assert.Equal(["Grant(bob)"], container.Log.Calls);
    }

    [Fact]
    public async Task Attribute_inherited_by_an_override_guards_the_call_and_names_the_declaring_base()
    {
        using var container = new TestContainer(static s => s.AddGuardedScoped<IReportJob, ReportJob>());
        container.Guard.Behavior = GuardBehavior.Deny;

        await Assert.ThrowsAsync<ActionDeniedException>(() => container.Get<IReportJob>().RunAsync("q3"));

        Assert.Equal("ReportJobBase.RunAsync", container.Guard.SingleAction.Name);
        Assert.Empty(container.Log.Calls);
    }

    [Fact]
    public void Attribute_on_an_explicit_implementation_is_honoured()
    {
        using var container = new TestContainer(static s => s.AddGuardedScoped<IPurger, ExplicitPurger>());

        container.Get<IPurger>().Purge("users");

        var action = container.Guard.SingleAction;
        Assert.Equal("ExplicitPurger.Purge", action.Name);
        Assert.Equal("table:users", action.Resource);
        Assert.Equal(["Purge(users)"], container.Log.Calls);
    }

    [Fact]
    public void Methods_of_inherited_interfaces_are_guarded()
    {
        using var container = new TestContainer(static s => s.AddGuardedScoped<IAdmin, Admin>());
        var admin = container.Get<IAdmin>();

        Assert.Equal("pong", admin.Ping());
        Assert.Empty(container.Guard.Actions);

        admin.GrantRole("bob", "owner");

        Assert.Equal("IPermissions.GrantRole", container.Guard.SingleAction.Name);
        Assert.Equal(["GrantRole(bob,owner)"], container.Log.Calls);
    }

    [Fact]
    public void Template_on_the_implementation_uses_the_implementation_parameter_names()
    {
        using var container = new TestContainer(static s => s.AddGuardedScoped<IRenamed, Renamed>());

        container.Get<IRenamed>().Copy("/tmp/a.csv");

        var action = container.Guard.SingleAction;
        Assert.Equal("file:/tmp/a.csv", action.Resource);
        Assert.Equal([new ActionArgument("path", "/tmp/a.csv", false)], action.Arguments);
    }

    [Fact]
    public void Each_call_gets_its_own_action_with_its_own_arguments()
    {
        using var container = new TestContainer(static s => s.AddGuardedScoped<IPurger, ExplicitPurger>());
        var purger = container.Get<IPurger>();

        purger.Purge("a");
        purger.Purge("b");

        Assert.Equal(["table:a", "table:b"], container.Guard.Actions.Select(a => a.Resource));
    }

    [Fact]
    public void Internal_service_interfaces_can_be_guarded()
    {
        using var container = new TestContainer(static s => s.AddGuardedScoped<IInternalService, InternalService>());

        Assert.Equal("revoked bob", container.Get<IInternalService>().Revoke("bob"));

        Assert.Equal("IInternalService.Revoke", container.Guard.SingleAction.Name);
    }

    [Fact]
    public void Constructor_dependencies_of_the_implementation_come_from_the_container()
    {
        using var container = new TestContainer(static s => s.AddGuardedScoped<IShapes, Shapes>());

        container.Get<IShapes>().Restart("web-1");

        // Shapes logs into the CallLog singleton it was given by ActivatorUtilities.
        Assert.Equal(["Restart(web-1)"], container.Log.Calls);
        Assert.Equal(1, container.Log.Created);
    }
}
