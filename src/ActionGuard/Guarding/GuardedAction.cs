using ActionGuard.Utils;

namespace ActionGuard;

/// <summary>
/// Describes one privileged action to run under <see cref="IActionGuard"/>: what it is, what it touches, where it is
/// headed, and its full arguments.
/// </summary>
public sealed class GuardedAction
{
    /// <summary>Initializes a new instance for a built-in kind.</summary>
    /// <param name="kind">The category of the action.</param>
    /// <param name="name">The action name, for example <c>"CustomerExporter.ExportAsync"</c>.</param>
    public GuardedAction(ActionKind kind, string name)
    {
        Kind = ActionKinds.ToName(kind);
        Name = Guard.NotNullOrEmpty(name);
    }

    /// <summary>Initializes a new instance for a custom kind.</summary>
    /// <param name="kind">The custom kind name; see <see cref="ActionKinds.IsValidName"/>.</param>
    /// <param name="name">The action name.</param>
    public GuardedAction(string kind, string name)
    {
        Kind = ActionKinds.ValidateCustom(kind, nameof(kind));
        Name = Guard.NotNullOrEmpty(name);
    }

    /// <summary>Gets the wire name of the kind, for example <c>"data_export"</c>.</summary>
    public string Kind { get; }

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
