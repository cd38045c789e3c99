using ActionGuard.Classification;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace ActionGuard.AI;

/// <summary>
/// An <see cref="AIFunction"/> that runs its inner function only after a verified human approval of the exact call on
/// the ActionGuard backend. Enforcement sits on the function itself: whoever invokes it — a
/// <see cref="FunctionInvokingChatClient"/>, an agent, a custom loop or a test — goes through the approval.
/// </summary>
/// <remarks>
/// <para>
/// Each call's arguments are frozen into JSON once; the action hash covers those values and the inner function binds
/// from the same values, so what was approved is what runs. Sensitive arguments are masked in the request; the
/// reviewer sees the rest redacted, and the data classes of payload arguments.
/// </para>
/// <para>
/// A denial or a timeout comes back to the model as a tool result it can read (see
/// <see cref="GuardedAIFunctionOptions.ReturnDenialToModel"/>). Backend faults and failed verifications throw and, inside
/// a <see cref="FunctionInvokingChatClient"/>, end the function-calling loop: never a silent success.
/// </para>
/// <para>
/// The function never reports itself as an <see cref="ApprovalRequiredAIFunction"/>: its approval happens on the
/// backend, not as a request in the conversation, so an approval message forged into the conversation changes nothing.
/// </para>
/// </remarks>
public sealed class GuardedAIFunction : DelegatingAIFunction
{
    private const int MaxJustificationLength = 500;

    private static readonly DataMasker JustificationMasker = new(new DataMaskerOptions());

    private readonly ToolActionPlan _plan;
    private readonly IActionGuard? _guard;
    private readonly bool _returnDenialToModel;

    internal GuardedAIFunction(AIFunction innerFunction, ToolActionPlan plan, GuardedAIFunctionOptions options)
        : base(innerFunction)
    {
        _plan = plan;
        _guard = options.Guard;
        _returnDenialToModel = options.ReturnDenialToModel;
    }

    /// <summary>Gets the action kind.</summary>
    public ActionKind Kind => _plan.Kind;

    /// <summary>Gets the action name the approval is requested under.</summary>
    public string ActionName => _plan.Name;

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);

        // The approval happens on the backend; surfacing the inner ApprovalRequiredAIFunction would make a
        // FunctionInvokingChatClient ask in the conversation instead, where nobody is authenticated.
        return serviceKey is null && serviceType == typeof(ApprovalRequiredAIFunction)
            ? null
            : base.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var context = FunctionInvokingChatClient.CurrentContext;
        var invocation = new Invocation(InnerFunction);
        try
        {
            var guard = _guard
                ?? arguments.Services?.GetService<IActionGuard>()
                ?? throw new InvalidOperationException(
                    $"The ActionGuard tool '{Name}' has no IActionGuard: register ActionGuard (services.AddActionGuard(...)) " +
                    "in the services the function is invoked with, or set GuardedAIFunctionOptions.Guard. The tool did not run.");

            var snapshot = ToolCallSnapshot.Take(arguments, _plan, JsonSerializerOptions);
            invocation.Arguments = snapshot.Bound;
            var action = _plan.CreateAction(snapshot, ReadJustification(context));
            return await guard.ExecuteAsync(action, static (state, ct) => state.RunAsync(ct), invocation, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ActionDeniedException ex) when (_returnDenialToModel)
        {
            return ToolCallMessages.Denied(Name, ex);
        }
        catch (ApprovalTimeoutException ex) when (_returnDenialToModel)
        {
            return ToolCallMessages.TimedOut(Name, ex);
        }
        catch (Exception) when (!invocation.Started && context is not null)
        {
            // The guard failed closed (backend fault, failed verification, missing guard, unbindable arguments): stop
            // the loop so the model does not carry on as if the privileged step had happened. Errors of the tool
            // itself are left to the function-calling loop as usual.
            context.Terminate = true;
            throw;
        }
    }

    private sealed class Invocation(AIFunction function)
    {
        public AIFunctionArguments? Arguments { get; set; }

        public bool Started { get; private set; }

        public ValueTask<object?> RunAsync(CancellationToken cancellationToken)
        {
            Started = true;
            return function.InvokeAsync(Arguments, cancellationToken);
        }
    }

    // The model's own words next to the call are the closest thing to a reason it can give; they are shown to the
    // reviewer, so they go through the same masking as data samples and are kept short.
    private static string? ReadJustification(FunctionInvocationContext? context)
    {
        if (context?.CallContent is not { } call || context.Messages is not { } messages)
        {
            return null;
        }

        for (var i = messages.Count - 1; i >= 0; i--)
        {
            var message = messages[i];
            if (!message.Contents.Contains(call))
            {
                continue;
            }

            var text = string.Concat(message.Contents.OfType<TextContent>().Select(static t => t.Text)).Trim();
            if (text.Length == 0)
            {
                return null;
            }

            text = JustificationMasker.Mask(text);
            return text.Length <= MaxJustificationLength ? text : string.Concat(text.AsSpan(0, MaxJustificationLength - 1), "…");
        }

        return null;
    }
}
