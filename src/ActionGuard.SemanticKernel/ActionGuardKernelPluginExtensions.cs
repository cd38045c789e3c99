using ActionGuard.AI;
using ActionGuard.SemanticKernel;
using ActionGuard.Utils;

namespace Microsoft.SemanticKernel;

/// <summary>Guards the functions of a <see cref="KernelPlugin"/> themselves.</summary>
public static class ActionGuardKernelPluginExtensions
{
    /// <summary>
    /// Returns a plugin in which every function that needs approval is replaced by one that runs only after a verified
    /// human approval, however it is called: through the kernel, directly, or as an <c>AIFunction</c> (which skips the
    /// kernel's filters).
    /// </summary>
    /// <param name="plugin">The plugin.</param>
    /// <param name="configure">Adds functions by name.</param>
    /// <returns>The guarded plugin, with the same name, description and function metadata.</returns>
    public static KernelPlugin WithActionGuard(this KernelPlugin plugin, Action<ActionGuardKernelOptions>? configure = null)
    {
        Guard.NotNull(plugin);
        var options = new ActionGuardKernelOptions();
        configure?.Invoke(options);
        var functions = plugin.Select(function => KernelFunctionTool.GuardIfRequired(function, options) is { } guarded
            ? Wrap(function, guarded)
            : function).ToList();
        return KernelPluginFactory.CreateFromFunctions(plugin.Name, plugin.Description, functions);
    }

    private static KernelFunction Wrap(KernelFunction function, GuardedAIFunction guarded)
    {
        async Task<object?> InvokeGuardedAsync(Kernel kernel, KernelArguments arguments, CancellationToken cancellationToken)
        {
            var values = KernelFunctionTool.CreateArguments(arguments, kernel, async (frozen, ct) =>
            {
                var approved = new KernelArguments(frozen!, arguments.ExecutionSettings?.ToDictionary());
                var result = await KernelFunctionTool.RunApprovedAsync(function, kernel, approved, ct).ConfigureAwait(false);
                return result.GetValue<object>();
            });
            return await guarded.InvokeAsync(values, cancellationToken).ConfigureAwait(false);
        }

        return KernelFunctionFactory.CreateFromMethod(
            InvokeGuardedAsync,
            new KernelFunctionFromMethodOptions
            {
                FunctionName = function.Name,
                Description = function.Description,
                Parameters = function.Metadata.Parameters,
                ReturnParameter = function.Metadata.ReturnParameter,
            });
    }
}
