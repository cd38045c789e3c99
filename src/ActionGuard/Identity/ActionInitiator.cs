using ActionGuard.Utils;

namespace ActionGuard;

/// <summary>
/// The ambient initiator: the person on whose behalf the agent acts in the current asynchronous flow. It overrides
/// <see cref="ActionGuardOptions.DefaultInitiator"/> and is overridden by <see cref="GuardedAction.Initiator"/>.
/// </summary>
/// <example>
/// <code>
/// using (ActionInitiator.Begin(new ApprovalParty { Issuer = "https://idp.example.com/", Subject = userId }))
/// {
///     await agent.RunAsync(prompt, cancellationToken);
/// }
/// </code>
/// </example>
public static class ActionInitiator
{
    private static readonly AsyncLocal<ApprovalParty?> CurrentParty = new();

    /// <summary>Gets the initiator of the current asynchronous flow, if any.</summary>
    public static ApprovalParty? Current => CurrentParty.Value;

    /// <summary>Sets the initiator until the returned scope is disposed.</summary>
    /// <param name="initiator">The person on whose behalf the agent acts.</param>
    /// <returns>A scope that restores the previous initiator when disposed.</returns>
    public static IDisposable Begin(ApprovalParty initiator)
    {
        Guard.NotNull(initiator);
        var previous = CurrentParty.Value;
        CurrentParty.Value = initiator;
        return new Scope(previous);
    }

    private sealed class Scope(ApprovalParty? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                CurrentParty.Value = previous;
            }
        }
    }
}
