using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.Tests.Interception;

public sealed class RegistrationValidationTests
{
    private static InvalidOperationException Register(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        var ex = Assert.Throws<InvalidOperationException>(() => register(services));

        // Nothing half-registered stays behind.
        Assert.Empty(services);
        return ex;
    }

    private static void AssertContains(string expected, string actual) => Assert.Contains(expected, actual, StringComparison.Ordinal);

    [Fact]
    public void Template_naming_an_unknown_parameter_names_method_template_parameter_and_the_real_parameters()
    {
        var ex = Register(static s => s.AddGuardedScoped<IUnknownParameter, UnknownParameter>());

        AssertContains("IUnknownParameter.ExportAsync", ex.Message);
        AssertContains("\"s3://{bucket}/{key}\"", ex.Message);
        AssertContains("'key'", ex.Message);
        AssertContains("Its parameters are: bucket, prefix, cancellationToken.", ex.Message);
        AssertContains("Resource", ex.Message);
    }

    [Fact]
    public void Template_naming_a_parameter_of_a_method_without_parameters_says_so()
    {
        var ex = Register(static s => s.AddGuardedSingleton<INoParameters, NoParameters>());

        AssertContains("INoParameters.Export", ex.Message);
        AssertContains("Destination", ex.Message);
        AssertContains("'target'", ex.Message);
        AssertContains("It has no parameters.", ex.Message);
    }

    [Fact]
    public void Unclosed_brace_is_rejected_with_its_position()
    {
        var ex = Register(static s => s.AddGuardedTransient<IUnclosedBrace, UnclosedBrace>());

        AssertContains("IUnclosedBrace.Export", ex.Message);
        AssertContains("\"s3://{bucket\"", ex.Message);
        AssertContains("unclosed '{' at position 5", ex.Message);
    }

    [Fact]
    public void Closing_brace_that_closes_nothing_is_rejected()
    {
        var ex = Register(static s => s.AddGuardedScoped<IStrayBrace, StrayBrace>());

        AssertContains("IStrayBrace.Export", ex.Message);
        AssertContains("'}' at position 1 that closes nothing", ex.Message);
    }

    [Fact]
    public void Template_using_a_sensitive_parameter_is_rejected()
    {
        var ex = Register(static s => s.AddGuardedScoped<ISensitiveInTemplate, SensitiveInTemplate>());

        AssertContains("ISensitiveInTemplate.Connect", ex.Message);
        AssertContains("'password'", ex.Message);
        AssertContains("[Sensitive]", ex.Message);
        AssertContains("clear text", ex.Message);
    }

    [Fact]
    public void Template_using_a_parameter_marked_sensitive_only_on_the_implementation_is_rejected()
    {
        var ex = Register(static s => s.AddGuardedScoped<ISensitiveOnImplementation, SensitiveOnImplementation>());

        AssertContains("ISensitiveOnImplementation.Upload", ex.Message);
        AssertContains("'apiKey'", ex.Message);
        AssertContains("[Sensitive]", ex.Message);
    }

    [Fact]
    public void Template_naming_the_cancellation_token_is_rejected()
    {
        var ex = Register(static s => s.AddGuardedScoped<ITokenInTemplate, TokenInTemplate>());

        AssertContains("ITokenInTemplate.ExportAsync", ex.Message);
        AssertContains("'cancellationToken', a CancellationToken", ex.Message);
    }

    [Fact]
    public void Out_parameter_is_rejected()
    {
        var ex = Register(static s => s.AddGuardedScoped<IOutParameter, OutParameter>());

        AssertContains("IOutParameter.TryExport", ex.Message);
        AssertContains("'rows'", ex.Message);
        AssertContains("by reference", ex.Message);
    }

    [Fact]
    public void Ref_parameter_is_rejected()
    {
        var ex = Register(static s => s.AddGuardedScoped<IRefParameter, RefParameter>());

        AssertContains("IRefParameter.Export", ex.Message);
        AssertContains("'counter'", ex.Message);
    }

    [Fact]
    public void Async_stream_return_is_rejected()
    {
        var ex = Register(static s => s.AddGuardedScoped<IStreamReturn, StreamReturn>());

        AssertContains("IStreamReturn.ExportAll", ex.Message);
        AssertContains("System.Collections.Generic.IAsyncEnumerable<System.Int32>", ex.Message);
        AssertContains("Task<T>", ex.Message);
    }

    [Fact]
    public void Other_awaitable_return_is_rejected()
    {
        var ex = Register(static s => s.AddGuardedScoped<IAwaitableReturn, AwaitableReturn>());

        AssertContains("IAwaitableReturn.ExportAsync", ex.Message);
        AssertContains("ConfiguredTaskAwaitable", ex.Message);
    }

    [Fact]
    public void Generic_method_is_rejected()
    {
        var ex = Register(static s => s.AddGuardedScoped<IGenericMethod, GenericMethod>());

        AssertContains("IGenericMethod.ExportAsync", ex.Message);
        AssertContains("generic method", ex.Message);
    }

    [Fact]
    public void Negative_timeout_is_rejected()
    {
        var ex = Register(static s => s.AddGuardedScoped<INegativeTimeout, NegativeTimeout>());

        AssertContains("INegativeTimeout.Export", ex.Message);
        AssertContains("TimeoutSeconds to -5", ex.Message);
    }

    [Fact]
    public void Service_type_that_is_not_an_interface_is_rejected()
    {
        var ex = Register(static s => s.AddGuardedScoped<NotAnInterface, NotAnInterface>());

        AssertContains("ActionGuard.Tests.Interception.NotAnInterface", ex.Message);
        AssertContains("needs an interface", ex.Message);
    }

    [Fact]
    public void Builder_registration_validates_too()
    {
        var services = new ServiceCollection();
        var builder = new TestActionGuardBuilder(services);

        Assert.Throws<InvalidOperationException>(() => builder.AddGuardedScoped<IUnclosedBrace, UnclosedBrace>());
        Assert.Empty(services);
    }
}
