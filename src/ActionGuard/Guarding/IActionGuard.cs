namespace ActionGuard;

/// <summary>
/// Runs a delegate only after a verified human approval of the exact action and arguments.
/// </summary>
/// <remarks>
/// <para>
/// The flow follows the ActionGuard protocol: the request is built (arguments redacted, action hash over the full
/// arguments and a private nonce), created on the backend with an idempotency key, awaited by long polling, claimed
/// once, and its decision token verified; only then does <c>operation</c> run, and its outcome is reported.
/// </para>
/// <para>
/// Every fault fails closed: the operation does not run and a subclass of <see cref="ActionGuardException"/> says why.
/// Cancelling <c>cancellationToken</c> while waiting withdraws the request on the backend.
/// </para>
/// <para>Overloads for <see cref="Task"/>, <see cref="Task{TResult}"/> and <see cref="ValueTask"/> are in <see cref="ActionGuardExtensions"/>.</para>
/// </remarks>
public interface IActionGuard
{
    /// <summary>Runs <paramref name="operation"/> once the action is approved and the approval verified.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <typeparam name="TState">The state passed to the operation, to avoid closures on hot paths.</typeparam>
    /// <param name="action">The action to approve.</param>
    /// <param name="operation">The privileged operation.</param>
    /// <param name="state">The state passed to <paramref name="operation"/>.</param>
    /// <param name="cancellationToken">Cancels the wait (withdrawing the request) or the operation.</param>
    /// <returns>The operation's result.</returns>
    /// <exception cref="ActionDeniedException">An approver or a policy denied the action.</exception>
    /// <exception cref="ApprovalTimeoutException">No decision came in time, or the approval expired.</exception>
    /// <exception cref="ApprovalBackendUnavailableException">The backend could not be reached or answered wrongly.</exception>
    /// <exception cref="ApprovalRequestRejectedException">The backend refused the request (a 4xx answer).</exception>
    /// <exception cref="ApprovalVerificationException">The decision token failed a check.</exception>
    ValueTask<TResult> ExecuteAsync<TResult, TState>(
        GuardedAction action,
        Func<TState, CancellationToken, ValueTask<TResult>> operation,
        TState state,
        CancellationToken cancellationToken = default);
}
