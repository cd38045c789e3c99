using System.Runtime.CompilerServices;
using ActionGuard.AI;
using Microsoft.SemanticKernel;

namespace ActionGuard.SemanticKernel;

/// <summary>
/// A Semantic Kernel function-invocation filter that runs functions which need approval only after a verified human
/// approval on the ActionGuard backend. A function called outside the kernel (for example as an <c>AIFunction</c>)
/// skips filters: guard the plugin itself with <see cref="ActionGuardKernelPluginExtensions.WithActionGuard"/> for that.
/// </summary>
internal sealed class ActionGuardFunctionInvocationFilter(ActionGuardKernelOptions options) : IFunctionInvocationFilter
{
    private readonly ConditionalWeakTable<KernelFunction, StrongBox<GuardedAIFunction?>> _guarded = [];

    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        if (KernelFunctionTool.IsApprovedRun(context.Function))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var guarded = _guarded.GetValue(context.Function, f => new StrongBox<GuardedAIFunction?>(KernelFunctionTool.GuardIfRequired(f, options))).Value;
        if (guarded is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var arguments = KernelFunctionTool.CreateArguments(context.Arguments, context.Kernel, async (frozen, _) =>
        {
            // What was approved is what runs: the kernel's arguments are replaced by the frozen values.
            foreach (var (name, value) in frozen)
            {
                context.Arguments[name] = value;
            }

            await next(context).ConfigureAwait(false);
            return context.Result;
        });

        var result = await guarded.InvokeAsync(arguments, context.CancellationToken).ConfigureAwait(false);
        if (result is string refusal)
        {
            context.Result = new FunctionResult(context.Function, refusal);
        }
    }
}
