using ActionGuard;
using ActionGuard.Client;
using ActionGuard.Testing;
using ActionGuard.Testing.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Points an ActionGuard registration at an <see cref="InMemoryApprovalBackend"/>.</summary>
public static class InMemoryApprovalBackendBuilderExtensions
{
    /// <summary>The agent id used when the options name none.</summary>
    public const string DefaultAgentId = "test-agent";

    /// <summary>
    /// Replaces the <see cref="ApprovalClient"/> with one backed by <paramref name="backend"/>, and fills in the options
    /// the application left unset: <see cref="ActionGuardOptions.Endpoint"/> (the backend's
    /// <see cref="InMemoryApprovalBackend.Issuer"/>), <see cref="ActionGuardOptions.AgentId"/> (<c>test-agent</c>) and
    /// <see cref="ActionGuardOptions.ExpectedIssuer"/> (the backend's token issuer).
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddActionGuard</c>.</param>
    /// <param name="backend">The backend; the caller owns and disposes it.</param>
    /// <returns>The builder.</returns>
    public static IActionGuardBuilder UseInMemoryBackend(this IActionGuardBuilder builder, InMemoryApprovalBackend backend)
    {
        Guard.NotNull(builder);
        Guard.NotNull(backend);
        builder.Services.Configure<ActionGuardOptions>(options =>
        {
            options.Endpoint ??= backend.Issuer;
            options.AgentId ??= DefaultAgentId;

            // Tokens come from this backend whatever Endpoint says, so verification must expect its issuer.
            options.ExpectedIssuer ??= backend.TokenIssuer;
        });
        builder.Services.Replace(ServiceDescriptor.Singleton<ApprovalClient>(sp =>
            backend.CreateClient(sp.GetRequiredService<IOptions<ActionGuardOptions>>().Value.AgentId ?? DefaultAgentId)));
        return builder;
    }
}
