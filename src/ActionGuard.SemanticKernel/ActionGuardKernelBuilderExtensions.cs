using ActionGuard.SemanticKernel;
using ActionGuard.Utils;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.SemanticKernel;

/// <summary>Adds ActionGuard to a Semantic Kernel.</summary>
public static class ActionGuardKernelBuilderExtensions
{
    /// <summary>
    /// Adds a function-invocation filter that guards every kernel function whose method carries
    /// <see cref="ActionGuard.RequiresApprovalAttribute"/> (and functions named in <paramref name="configure"/>). Register
    /// ActionGuard itself in <see cref="IKernelBuilder.Services"/> with <c>AddActionGuard(o => …)</c>.
    /// </summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configure">Adds functions by name.</param>
    /// <returns>The builder.</returns>
    public static IKernelBuilder AddActionGuard(this IKernelBuilder builder, Action<ActionGuardKernelOptions>? configure = null)
    {
        Guard.NotNull(builder);
        var options = new ActionGuardKernelOptions();
        configure?.Invoke(options);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IFunctionInvocationFilter>(new ActionGuardFunctionInvocationFilter(options)));
        return builder;
    }
}
