using System.Reflection;

namespace ActionGuard.Interception;

/// <summary>
/// The state handed to <see cref="IActionGuard.ExecuteAsync{TResult, TState}"/>: a struct, so the operation delegates
/// stay static and a guarded call allocates no closure.
/// </summary>
internal readonly struct TargetCall
{
    private readonly object _target;
    private readonly MethodInvoker _invoker;
    private readonly object?[] _arguments;

    public TargetCall(object target, MethodInvoker invoker, object?[] arguments)
    {
        _target = target;
        _invoker = invoker;
        _arguments = arguments;
    }

    // MethodInvoker does not wrap the target's exceptions in TargetInvocationException, so they reach the caller as
    // thrown, with their original stack trace.
    public object? Invoke() => _invoker.Invoke(_target, _arguments.AsSpan());
}
