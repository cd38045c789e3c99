using System.Reflection;

namespace ActionGuard.Interception;

/// <summary>
/// Everything a decorator needs to guard one interface method, computed once at registration so that a call does
/// only array reads, the <see cref="GuardedAction"/> it must build anyway, and one invocation of the target.
/// </summary>
internal sealed class GuardedMethodPlan
{
    private readonly ArgumentSlot[] _arguments;
    private readonly MethodInvoker _invoker;
    private readonly Func<IActionGuard, GuardedAction, TargetCall, CancellationToken, object>? _genericRunner;

    /// <summary>Initializes a new instance. Use <see cref="GuardedPlanBuilder"/>.</summary>
    /// <param name="method">The interface method.</param>
    /// <param name="attribute">The attribute that applies.</param>
    /// <param name="name">The action name.</param>
    /// <param name="resource">The compiled resource template.</param>
    /// <param name="destination">The compiled destination template.</param>
    /// <param name="arguments">The parameters that become arguments, in declaration order.</param>
    /// <param name="cancellationTokenIndex">The position of the first <see cref="CancellationToken"/> parameter, or -1.</param>
    /// <param name="shape">The return shape.</param>
    /// <param name="genericRunner">The runner closed over <c>T</c> for <see cref="ReturnShape.TaskOfT"/> and <see cref="ReturnShape.ValueTaskOfT"/>.</param>
    public GuardedMethodPlan(
        MethodInfo method,
        RequiresApprovalAttribute attribute,
        string name,
        ActionTemplate? resource,
        ActionTemplate? destination,
        ArgumentSlot[] arguments,
        int cancellationTokenIndex,
        ReturnShape shape,
        Func<IActionGuard, GuardedAction, TargetCall, CancellationToken, object>? genericRunner)
    {
        Method = method;
        Kind = attribute.Kind;
        Name = name;
        Environment = attribute.Environment;
        Justification = attribute.Justification;
        Timeout = attribute.TimeoutSeconds > 0 ? TimeSpan.FromSeconds(attribute.TimeoutSeconds) : null;
        Resource = resource;
        Destination = destination;
        _arguments = arguments;
        CancellationTokenIndex = cancellationTokenIndex;
        Shape = shape;
        _genericRunner = genericRunner;
        _invoker = MethodInvoker.Create(method);
    }

    /// <summary>Gets the interface method.</summary>
    public MethodInfo Method { get; }

    /// <summary>Gets the kind.</summary>
    public ActionKind Kind { get; }

    /// <summary>Gets the action name.</summary>
    public string Name { get; }

    /// <summary>Gets the environment, or <see langword="null"/> for the configured one.</summary>
    public string? Environment { get; }

    /// <summary>Gets the justification.</summary>
    public string? Justification { get; }

    /// <summary>Gets the decision timeout, or <see langword="null"/> for the configured one.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>Gets the resource template.</summary>
    public ActionTemplate? Resource { get; }

    /// <summary>Gets the destination template.</summary>
    public ActionTemplate? Destination { get; }

    /// <summary>Gets the parameters that become arguments, without <see cref="CancellationToken"/> parameters.</summary>
    public IReadOnlyList<ArgumentSlot> Arguments => _arguments;

    /// <summary>Gets the position of the <see cref="CancellationToken"/> parameter, or -1.</summary>
    public int CancellationTokenIndex { get; }

    /// <summary>Gets the return shape.</summary>
    public ReturnShape Shape { get; }

    /// <summary>Runs one call: asks the guard, and only after approval invokes the target.</summary>
    /// <param name="guard">The guard.</param>
    /// <param name="target">The implementation.</param>
    /// <param name="args">The proxy's argument array, passed unchanged to the target.</param>
    /// <returns>What the interface method returns (boxed for value types).</returns>
    public object? Invoke(IActionGuard guard, object target, object?[] args)
    {
        var action = CreateAction(args);

        // The caller's token goes to the guard, and the very same token stays in args for the target.
        var cancellationToken = CancellationTokenIndex >= 0 ? (CancellationToken)args[CancellationTokenIndex]! : default;
        var call = new TargetCall(target, _invoker, args);

        switch (Shape)
        {
            case ReturnShape.Void:
                Block(guard.ExecuteAsync(
                    action,
                    static (c, _) =>
                    {
                        c.Invoke();
                        return new ValueTask<bool>(true);
                    },
                    call,
                    cancellationToken));
                return null;

            case ReturnShape.Value:
                return Block(guard.ExecuteAsync(
                    action,
                    static (c, _) => new ValueTask<object?>(c.Invoke()),
                    call,
                    cancellationToken));

            case ReturnShape.Task:
                return RunTaskAsync(guard, action, call, cancellationToken);

            case ReturnShape.ValueTask:
#pragma warning disable CA2012 // Boxed for DispatchProxy, which unboxes it for the caller: still consumed exactly once.
                return RunValueTaskAsync(guard, action, call, cancellationToken);
#pragma warning restore CA2012

            default:
                return _genericRunner!(guard, action, call, cancellationToken);
        }
    }

    /// <summary>Builds the action for one call.</summary>
    /// <param name="args">The proxy's argument array.</param>
    /// <returns>The action to approve.</returns>
    public GuardedAction CreateAction(object?[] args)
    {
        var slots = _arguments;
        var arguments = slots.Length == 0 ? [] : new ActionArgument[slots.Length];
        for (var i = 0; i < slots.Length; i++)
        {
            ref readonly var slot = ref slots[i];
            arguments[i] = new ActionArgument(slot.Name, args[slot.Index], slot.IsSensitive) { IsPayload = slot.IsPayload };
        }

        var resource = Resource?.Format(args);
        var destination = Destination?.Format(args);

        return new GuardedAction(Kind, Name)
        {
            Resource = resource,
            Destination = destination,
            Environment = Environment,
            Justification = Justification,
            Timeout = Timeout,
            Arguments = arguments,
        };
    }

    // Closed over T once per plan (MakeGenericMethod) and called through a cached delegate. They return object so
    // one delegate type fits both; the ValueTask<T> is boxed because DispatchProxy returns object anyway.
    internal static object RunTaskOfT<T>(IActionGuard guard, GuardedAction action, TargetCall call, CancellationToken cancellationToken) =>
        RunTaskOfTAsync<T>(guard, action, call, cancellationToken);

#pragma warning disable CA2012 // Boxed for DispatchProxy, which unboxes it for the caller: still consumed exactly once.
    internal static object RunValueTaskOfT<T>(IActionGuard guard, GuardedAction action, TargetCall call, CancellationToken cancellationToken) =>
        RunValueTaskOfTAsync<T>(guard, action, call, cancellationToken);
#pragma warning restore CA2012

    // Sync-over-async is the price of guarding a synchronous method: the calling thread waits for the human.
    // The guard awaits with ConfigureAwait(false), so this does not deadlock on a single-threaded context.
    private static T Block<T>(ValueTask<T> pending) =>
        pending.IsCompleted ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    // Async wrappers so that even a guard that throws synchronously yields a faulted task, as an async method would.
    private static async Task RunTaskAsync(IActionGuard guard, GuardedAction action, TargetCall call, CancellationToken cancellationToken) =>
        await guard.ExecuteAsync(
            action,
            static async (c, _) =>
            {
                await ((Task)c.Invoke()!).ConfigureAwait(false);
                return true;
            },
            call,
            cancellationToken).ConfigureAwait(false);

    private static async ValueTask RunValueTaskAsync(IActionGuard guard, GuardedAction action, TargetCall call, CancellationToken cancellationToken) =>
        await guard.ExecuteAsync(
            action,
            static async (c, _) =>
            {
                await ((ValueTask)c.Invoke()!).ConfigureAwait(false);
                return true;
            },
            call,
            cancellationToken).ConfigureAwait(false);

    private static async Task<T> RunTaskOfTAsync<T>(IActionGuard guard, GuardedAction action, TargetCall call, CancellationToken cancellationToken) =>
        await guard.ExecuteAsync(
            action,
            static (c, _) => new ValueTask<T>((Task<T>)c.Invoke()!),
            call,
            cancellationToken).ConfigureAwait(false);

    private static async ValueTask<T> RunValueTaskOfTAsync<T>(IActionGuard guard, GuardedAction action, TargetCall call, CancellationToken cancellationToken) =>
        await guard.ExecuteAsync(
            action,
            static (c, _) => (ValueTask<T>)c.Invoke()!,
            call,
            cancellationToken).ConfigureAwait(false);
}
