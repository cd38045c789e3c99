using ActionGuard.Interception;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ActionGuard.Tests.Interception;

public sealed class GuardedRegistrationValidatorTests
{
    // What AddActionGuard does; registered first, as an application would, so the validator sees later registrations.
    private static ServiceCollection NewServices()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IActionGuard>(new RecordingActionGuard());
        services.AddSingleton(new CallLog());
        services.AddOptions<ActionGuardOptions>();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<ActionGuardOptions>>(new GuardedRegistrationValidator(services)));
        return services;
    }

    private static OptionsValidationException AssertFails(IServiceCollection services)
    {
        using var provider = services.BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ActionGuardOptions>>().Value);
    }

    private static void AssertPasses(IServiceCollection services)
    {
        using var provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetRequiredService<IOptions<ActionGuardOptions>>().Value);
    }

    private static void AssertContains(string expected, string actual) => Assert.Contains(expected, actual, StringComparison.Ordinal);

    [Fact]
    public void Plain_scoped_registration_of_an_attributed_service_fails_with_the_fix()
    {
        var services = NewServices();
        services.AddScoped<IExporter, Exporter>();

        var ex = AssertFails(services);

        AssertContains(
            "ActionGuard.Tests.Interception.IExporter -> ActionGuard.Tests.Interception.Exporter (methods: ExportAsync, Purge)",
            ex.Message);
        AssertContains("services.AddGuardedScoped<IExporter, Exporter>()", ex.Message);
    }

    [Fact]
    public void Singleton_instance_of_an_attributed_service_fails()
    {
        var services = NewServices();
        services.AddSingleton<IShapes>(new Shapes(new CallLog()));

        var ex = AssertFails(services);

        AssertContains("IShapes -> ActionGuard.Tests.Interception.Shapes (methods: DeleteAsync, ExportAsync, ExportToAsync, Grant, Restart, ScaleAsync)", ex.Message);
        AssertContains("services.AddGuardedSingleton<IShapes, Shapes>() instead of an instance", ex.Message);
    }

    [Fact]
    public void Attribute_only_on_the_implementation_or_a_base_class_is_found()
    {
        var services = NewServices();
        services.AddTransient<IAuditedImporter, AuditedImporter>();
        services.AddScoped<IReportJob, ReportJob>();

        var ex = AssertFails(services);

        AssertContains("IAuditedImporter -> ActionGuard.Tests.Interception.AuditedImporter (methods: ImportAsync)", ex.Message);
        AssertContains("services.AddGuardedTransient<IAuditedImporter, AuditedImporter>()", ex.Message);
        AssertContains("IReportJob -> ActionGuard.Tests.Interception.ReportJob (methods: RunAsync)", ex.Message);
    }

    [Fact]
    public void Explicit_implementation_is_listed_by_its_plain_method_name()
    {
        var services = NewServices();
        services.AddScoped<IPurger, ExplicitPurger>();

        var ex = AssertFails(services);

        AssertContains("ExplicitPurger (methods: Purge)", ex.Message);
    }

    [Fact]
    public void Class_registered_as_itself_and_keyed_registrations_fail()
    {
        var services = NewServices();
        services.AddTransient<Exporter>();
        services.AddKeyedScoped<IExporter, Exporter>("eu");

        var ex = AssertFails(services);

        AssertContains("ActionGuard.Tests.Interception.Exporter -> ActionGuard.Tests.Interception.Exporter", ex.Message);
        AssertContains("AddGuardedTransient<IYourService, Exporter>()", ex.Message);
        AssertContains("[key: eu]", ex.Message);
    }

    [Fact]
    public void Guarded_registrations_and_types_without_the_attribute_pass()
    {
        var services = NewServices();
        services.AddGuardedScoped<IExporter, Exporter>();
        services.AddGuardedSingleton<IShapes, Shapes>();
        services.AddScoped<IPlainService, PlainService>();
        services.AddSingleton<IPlainService>(new PlainService());
        services.AddTransient<IPlainService>(static _ => new PlainService());

        AssertPasses(services);
    }

    [Fact]
    public void Factory_registrations_cannot_be_inspected_and_pass()
    {
        var services = NewServices();
        services.AddScoped<IExporter>(static _ => new Exporter());

        AssertPasses(services);
    }

    [Fact]
    public void Guarded_and_plain_registration_of_the_same_type_flags_the_plain_one()
    {
        var services = NewServices();
        services.AddGuardedScoped<IExporter, Exporter>();
        services.AddScoped<IExporter, Exporter>();

        var ex = AssertFails(services);

        Assert.Single(ex.Failures);
        Assert.Single(ex.Message.Split("IExporter -> ", StringSplitOptions.None).Skip(1));
    }

    [Fact]
    public void Finder_reports_each_unguarded_registration_in_order()
    {
        var services = new ServiceCollection();
        services.AddScoped<IExporter, Exporter>();
        services.AddScoped<IPlainService, PlainService>();
        services.AddSingleton<IShapes>(new Shapes(new CallLog()));

        var found = GuardedRegistrationValidator.FindUnguarded(services);

        Assert.Equal([typeof(Exporter), typeof(Shapes)], found.Select(f => f.ImplementationType));
        Assert.Equal([false, true], found.Select(f => f.IsInstance));
    }

    [Fact]
    public async Task Host_start_fails_with_ValidateOnStart()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<IActionGuard>(new RecordingActionGuard());
        builder.Services.AddOptions<ActionGuardOptions>().ValidateOnStart();
        builder.Services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<ActionGuardOptions>>(new GuardedRegistrationValidator(builder.Services)));
        builder.Services.AddScoped<IExporter, Exporter>();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        AssertContains("IExporter -> ActionGuard.Tests.Interception.Exporter", ex.Message);
    }
}
