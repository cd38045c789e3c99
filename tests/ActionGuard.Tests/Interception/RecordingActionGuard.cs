using System.Collections.Concurrent;

namespace ActionGuard.Tests.Interception;

/// <summary>What <see cref="RecordingActionGuard"/> does with the next calls.</summary>
public enum GuardBehavior
{
    Approve,
    Deny,
    Throw,
}

/// <summary>A scripted <see cref="IActionGuard"/> that records every action and token it was handed.</summary>
public sealed class RecordingActionGuard : IActionGuard
{
    private readonly ConcurrentQueue<(GuardedAction Action, CancellationToken Token)> _calls = new();

    public GuardBehavior Behavior { get; set; } = GuardBehavior.Approve;

    /// <summary>The exception thrown in <see cref="GuardBehavior.Throw"/> mode.</summary>
    public Exception ToThrow { get; set; } = new ApprovalTimeoutException("no decision in time", expiredOnBackend: false);

    /// <summary>When set, the guard completes asynchronously, as the real one does while it waits for a human.</summary>
    public bool CompleteAsynchronously { get; set; }

    public IReadOnlyList<GuardedAction> Actions => [.. _calls.Select(static c => c.Action)];

    public IReadOnlyList<CancellationToken> Tokens => [.. _calls.Select(static c => c.Token)];

    public GuardedAction SingleAction => Assert.Single(Actions);

    public async ValueTask<TResult> ExecuteAsync<TResult, TState>(
        GuardedAction action,
        Func<TState, CancellationToken, ValueTask<TResult>> operation,
        TState state,
        CancellationToken cancellationToken = default)
    {
        _calls.Enqueue((action, cancellationToken));
        if (CompleteAsynchronously)
        {
            await Task.Yield();
        }

        switch (Behavior)
        {
            case GuardBehavior.Deny:
                throw new ActionDeniedException("Denied by alice.", new ApprovalParty { Subject = "alice" }, "not today")
                {
                    ActionKind = action.Kind,
                    ActionName = action.Name,
                };
            case GuardBehavior.Throw:
                throw ToThrow;
        }

        return await operation(state, cancellationToken);
    }
}
