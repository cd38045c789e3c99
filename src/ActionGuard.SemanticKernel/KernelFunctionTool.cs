using System.Reflection;
using System.Text.Json;
using ActionGuard.AI;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace ActionGuard.SemanticKernel;

/// <summary>
/// A kernel function seen as a plain <see cref="AIFunction"/> for the guard: same name, schema and method, and a run
/// step supplied per call (the filter's <c>next</c>, or the function itself), which receives the frozen arguments.
/// </summary>
internal sealed class KernelFunctionTool : AIFunction
{
    private static readonly object RunKey = new();

    // The function a guarded plugin is running right now, after its approval: the kernel's filter lets exactly that
    // invocation through instead of asking a second time.
    private static readonly AsyncLocal<KernelFunction?> ApprovedFunction = new();

    private readonly KernelFunction _function;

    private KernelFunctionTool(KernelFunction function)
    {
        _function = function;
    }

    public override string Name => _function.Name;

    public override string Description => _function.Description;

    public override JsonElement JsonSchema => _function.JsonSchema;

    public override MethodInfo? UnderlyingMethod => _function.UnderlyingMethod;

    public override JsonSerializerOptions JsonSerializerOptions => _function.JsonSerializerOptions;

    /// <summary>Returns the guarded form of <paramref name="function"/>, or <see langword="null"/> when it needs none.</summary>
    public static GuardedAIFunction? GuardIfRequired(KernelFunction function, ActionGuardKernelOptions options)
    {
        var tool = new KernelFunctionTool(function);
        return options.Tools.TryGuard(tool) ?? (function.UnderlyingMethod?.GetCustomAttribute<RequiresApprovalAttribute>(inherit: true) is not null
            ? tool.WithActionGuard()
            : null);
    }

    /// <summary>Returns whether <paramref name="function"/> is being run by its guarded plugin, after approval.</summary>
    public static bool IsApprovedRun(KernelFunction function) => ReferenceEquals(ApprovedFunction.Value, function);

    /// <summary>Runs <paramref name="function"/> as the approved invocation of its guarded plugin.</summary>
    public static async ValueTask<FunctionResult> RunApprovedAsync(KernelFunction function, Kernel kernel, KernelArguments arguments, CancellationToken cancellationToken)
    {
        var previous = ApprovedFunction.Value;
        ApprovedFunction.Value = function;
        try
        {
            return await function.InvokeAsync(kernel, arguments, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ApprovedFunction.Value = previous;
        }
    }

    /// <summary>The arguments for one call: the kernel's arguments, the services, and how to run once approved.</summary>
    public static AIFunctionArguments CreateArguments(
        KernelArguments arguments,
        Kernel kernel,
        Func<IDictionary<string, object?>, CancellationToken, ValueTask<object?>> run)
    {
        var values = new AIFunctionArguments
        {
            Services = kernel.Services,
            Context = new Dictionary<object, object?> { [RunKey] = run },
        };
        foreach (var (name, value) in arguments)
        {
            values[name] = value;
        }

        return values;
    }

    protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        if (arguments.Context?.TryGetValue(RunKey, out var value) != true
            || value is not Func<IDictionary<string, object?>, CancellationToken, ValueTask<object?>> run)
        {
            throw new InvalidOperationException($"The kernel function '{Name}' can only run through the kernel or its guarded plugin.");
        }

        return run(arguments, cancellationToken);
    }
}
