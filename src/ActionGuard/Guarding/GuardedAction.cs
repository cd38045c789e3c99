using ActionGuard.Utils;

namespace ActionGuard;

/// <summary>
/// Describes one privileged action to run under <see cref="IActionGuard"/>: what it is, what it touches, where it is
/// headed, and its full arguments.
/// </summary>
public sealed class GuardedAction
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="kind">
    /// The category of the action: a built-in kind such as <see cref="ActionKind.DataExport"/>, or a custom kind name
    /// such as <c>"payments.refund"</c>.
    /// </param>
    /// <param name="name">The action name, for example <c>"CustomerExporter.ExportAsync"</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is <see langword="default"/>, or <paramref name="name"/> is empty.</exception>
    public GuardedAction(ActionKind kind, string name)
    {
        Kind = Guard.NotDefault(kind);
        Name = Guard.NotNullOrEmpty(name);
    }

    /// <summary>Gets the category of the action.</summary>
    public ActionKind Kind { get; }

    /// <summary>Gets the action name.</summary>
    public string Name { get; }

    /// <summary>Gets what the action touches, for example <c>"s3://exports/customers.csv"</c>.</summary>
    public string? Resource { get; init; }

    /// <summary>Gets where data or a change is headed.</summary>
    public string? Destination { get; init; }

    /// <summary>Gets the environment; <see langword="null"/> uses <see cref="ActionGuardOptions.Environment"/>.</summary>
    public string? Environment { get; init; }

    /// <summary>Gets a justification shown to the approver.</summary>
    public string? Justification { get; init; }

    /// <summary>Gets how long to wait for a decision; <see langword="null"/> uses <see cref="ActionGuardOptions.DefaultTimeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Gets the initiator; <see langword="null"/> uses <see cref="ActionInitiator.Current"/>, then the configured default.</summary>
    public ApprovalParty? Initiator { get; init; }

    /// <summary>Gets the full arguments. The action hash covers them whole; the request carries a redacted copy.</summary>
    public IReadOnlyList<ActionArgument> Arguments { get; init; } = [];

    /// <inheritdoc/>
    public override string ToString() => $"{Kind} {Name}";
}
