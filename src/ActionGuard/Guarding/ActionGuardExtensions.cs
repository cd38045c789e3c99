using System.Runtime.CompilerServices;
using ActionGuard.Utils;

namespace ActionGuard;

/// <summary>Convenience overloads of <see cref="IActionGuard.ExecuteAsync{TResult, TState}"/>.</summary>
/// <remarks>
/// An <see langword="async"/> lambda converts to both the <see cref="Task"/> and the <see cref="ValueTask"/> forms; the
/// <see cref="Task"/> overloads carry a higher <see cref="OverloadResolutionPriorityAttribute"/> so such lambdas bind to
/// them instead of being ambiguous, while lambdas and method groups that return <see cref="ValueTask"/> still bind to
/// the <see cref="ValueTask"/> overloads.
/// </remarks>
public static class ActionGuardExtensions
{
    /// <summary>Runs <paramref name="operation"/> once the action is approved.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="guard">The guard.</param>
    /// <param name="action">The action to approve.</param>
    /// <param name="operation">The privileged operation.</param>
    /// <param name="cancellationToken">Cancels the wait or the operation.</param>
    /// <returns>The operation's result.</returns>
    public static ValueTask<TResult> ExecuteAsync<TResult>(
        this IActionGuard guard,
        GuardedAction action,
        Func<CancellationToken, ValueTask<TResult>> operation,
        CancellationToken cancellationToken = default)
    {
        Guard.NotNull(guard);
        Guard.NotNull(operation);
        return guard.ExecuteAsync(action, static (op, ct) => op(ct), operation, cancellationToken);
    }

    /// <summary>Runs <paramref name="operation"/> once the action is approved.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="guard">The guard.</param>
    /// <param name="action">The action to approve.</param>
    /// <param name="operation">The privileged operation.</param>
    /// <param name="cancellationToken">Cancels the wait or the operation.</param>
    /// <returns>The operation's result.</returns>
    [OverloadResolutionPriority(1)]
    public static Task<TResult> ExecuteAsync<TResult>(
        this IActionGuard guard,
        GuardedAction action,
        Func<CancellationToken, Task<TResult>> operation,
        CancellationToken cancellationToken = default)
    {
        Guard.NotNull(guard);
        Guard.NotNull(operation);
        return guard.ExecuteAsync(action, static async (op, ct) => await op(ct).ConfigureAwait(false), operation, cancellationToken).AsTask();
    }

    /// <summary>Runs <paramref name="operation"/> once the action is approved.</summary>
    /// <param name="guard">The guard.</param>
    /// <param name="action">The action to approve.</param>
    /// <param name="operation">The privileged operation.</param>
    /// <param name="cancellationToken">Cancels the wait or the operation.</param>
    /// <returns>A task that completes when the operation has run.</returns>
    public static async ValueTask ExecuteAsync(
        this IActionGuard guard,
        GuardedAction action,
        Func<CancellationToken, ValueTask> operation,
        CancellationToken cancellationToken = default)
    {
        Guard.NotNull(guard);
        Guard.NotNull(operation);
        await guard.ExecuteAsync(
            action,
            static async (op, ct) =>
            {
                await op(ct).ConfigureAwait(false);
                return true;
            },
            operation,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="operation"/> once the action is approved.</summary>
    /// <param name="guard">The guard.</param>
    /// <param name="action">The action to approve.</param>
    /// <param name="operation">The privileged operation.</param>
    /// <param name="cancellationToken">Cancels the wait or the operation.</param>
    /// <returns>A task that completes when the operation has run.</returns>
    [OverloadResolutionPriority(1)]
    public static async Task ExecuteAsync(
        this IActionGuard guard,
        GuardedAction action,
        Func<CancellationToken, Task> operation,
        CancellationToken cancellationToken = default)
    {
        Guard.NotNull(guard);
        Guard.NotNull(operation);
        await guard.ExecuteAsync(
            action,
            static async (op, ct) =>
            {
                await op(ct).ConfigureAwait(false);
                return true;
            },
            operation,
            cancellationToken).ConfigureAwait(false);
    }
}
